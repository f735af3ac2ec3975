package org.tcmrx.dpo;

import java.util.List;
import java.util.Map;
import org.tcmrx.lora.ChatMessage;

/** Temporary stand-in. */
public record PreferencePair(String id, List<ChatMessage> prompt, String chosen, String rejected, double chosenScore,
        double rejectedScore, String chosenSource, Map<String, String> metadata) {}
