package org.tcmrx.lora;

/**
 * Streams a generation: told each new token of each row as soon as it is chosen, rows in order within a step. A row
 * that has stopped is not told again.
 */
@FunctionalInterface
public interface GenerationListener {
    /**
     * Receives one row's new token.
     *
     * @param row the prompt's index in the batch
     * @param tokenId the new token
     * @param textOrNull the text this token completes (special tokens skipped): empty while a character spans several
     *     tokens, whose text then comes with the token that completes it (or, as U+FFFD, with the row's last token);
     *     the texts of a row add up to its result's text; null when the generator has no tokenizer
     */
    void onToken(int row, long tokenId, String textOrNull);
}
