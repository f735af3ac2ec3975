package org.tcmrx.lora;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("SFT labels on the real Qwen tokenizer")
class SftLabelMaskTest {
    private static QwenTokenizer tokenizer;

    @BeforeAll
    static void load() throws IOException {
        String dir = System.getProperty("tcmrx.fixtures.dir");
        assumeTrue(dir != null, "tcmrx.fixtures.dir is not set");
        Path file = Path.of(dir).resolve("qwen-tokenizer").resolve("tokenizer.json");
        assumeTrue(Files.isRegularFile(file), "no fixture at " + file);
        tokenizer = QwenTokenizer.load(file);
    }

    @AfterAll
    static void close() {
        if (tokenizer != null) {
            tokenizer.close();
        }
    }

    /** The learnt ids, in order, and the labels' check that nothing else is learnt. */
    private static long[] learnt(long[] ids, long[] labels) {
        List<Long> out = new ArrayList<>();
        for (int i = 0; i < ids.length; i++) {
            if (labels[i] != CausalLmLoss.IGNORE_INDEX) {
                assertThat(labels[i]).isEqualTo(ids[i]);
                out.add(ids[i]);
            }
        }
        return out.stream().mapToLong(Long::longValue).toArray();
    }

    @Test
    @DisplayName("only the assistant's content and its <|im_end|> are learnt; the system and user turns are not")
    void assistantOnly() throws IOException {
        SftSample sample = SftJsonlTest.resource(SftJsonlTest.SAMPLES).get(0);
        String answer = sample.messages().get(1).content();
        SftTrainer.SftEncoding enc = SftTrainer.SftEncoding.of(List.of(sample), ChatTemplate.qwen25(), tokenizer, 1024);
        SftTask.Example e = enc.examples().get(0);
        assertThat(enc.truncated()).isZero();
        assertThat(enc.skipped()).isZero();
        assertThat(tokenizer.decode(e.ids())).isEqualTo(ChatTemplate.qwen25().render(sample.messages(), false));
        long[] learnt = learnt(e.ids(), e.labels());
        assertThat(tokenizer.decode(learnt)).isEqualTo(answer + QwenTokenizer.IM_END);
        // The learnt tokens are one run at the end, before the final newline.
        assertThat(e.labels()[e.length() - 1]).isEqualTo(CausalLmLoss.IGNORE_INDEX);
        assertThat(e.labels()[e.length() - 2]).isEqualTo(tokenizer.tokenId(QwenTokenizer.IM_END));
        assertThat(e.learntTokens()).isEqualTo(learnt.length);
    }

    @Test
    @DisplayName("in a prompt-completion sample an assistant message of the prompt is context, not a target")
    void promptCompletion() {
        SftSample sample = SftSample.promptCompletion(List.of(ChatMessage.user("发热恶寒"),
                ChatMessage.assistant("请问有汗吗？"), ChatMessage.user("无汗")), "处方推荐：麻黄汤。");
        SftTask.Example e = SftTrainer.SftEncoding.of(List.of(sample), ChatTemplate.qwen25(), tokenizer, 1024)
                .examples().get(0);
        assertThat(tokenizer.decode(learnt(e.ids(), e.labels()))).isEqualTo("处方推荐：麻黄汤。<|im_end|>");
        SftTask.Example all = SftTrainer.SftEncoding.of(List.of(SftSample.conversation(sample.messages())),
                ChatTemplate.qwen25(), tokenizer, 1024).examples().get(0);
        assertThat(tokenizer.decode(learnt(all.ids(), all.labels())))
                .isEqualTo("请问有汗吗？<|im_end|>处方推荐：麻黄汤。<|im_end|>");
    }

    @Test
    @DisplayName("a sample over maxLength loses its end and is counted; one with no answer token left is skipped")
    void truncation() throws IOException {
        List<SftSample> samples = SftJsonlTest.resource(SftJsonlTest.SAMPLES).subList(0, 3);
        ChatTemplate template = ChatTemplate.qwen25();
        int full = tokenizer.encode(samples.get(0).render(template)).ids().length;
        int prompt = tokenizer.encode(template.render(samples.get(0).prompt(), true)).length;
        SftTrainer.SftEncoding cut = SftTrainer.SftEncoding.of(samples.subList(0, 1), template, tokenizer, full - 5);
        assertThat(cut.truncated()).isOne();
        assertThat(cut.examples().get(0).ids()).hasSize(full - 5);
        // The prompt and one answer token, which the last prompt token predicts: learnt, so the sample stays.
        SftTrainer.SftEncoding one = SftTrainer.SftEncoding.of(samples.subList(0, 1), template, tokenizer, prompt + 1);
        assertThat(one.examples()).hasSize(1);
        assertThat(one.examples().get(0).learntTokens()).isOne();
        int shortest = samples.stream().mapToInt(s -> tokenizer.encode(template.render(s.prompt(), true)).length)
                .min().getAsInt();
        SftTrainer.SftEncoding none = SftTrainer.SftEncoding.of(samples, template, tokenizer, shortest);
        assertThat(none.examples()).isEmpty();
        assertThat(none.skipped()).isEqualTo(3);
    }
}
