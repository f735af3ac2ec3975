package org.tcmrx.distill.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.List;
import org.tcmrx.core.ThreeSectionAnswer;

/** Reads an answer written as a JSON object with the three headers as keys, as JSON output modes produce. */
public final class JsonAnswer {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private JsonAnswer() {}

    /**
     * Turns a JSON answer into the three-section text; returns any other text unchanged, so that the parser reports
     * what is missing.
     *
     * @param text the answer as written, possibly inside a Markdown code fence
     * @return the three-section text, or {@code text}
     */
    public static String toSections(String text) {
        String s = text.strip();
        if (s.startsWith("```")) {
            int nl = s.indexOf('\n');
            int end = s.lastIndexOf("```");
            if (nl < 0 || end <= nl) {
                return text;
            }
            s = s.substring(nl + 1, end).strip();
        }
        if (!s.startsWith("{")) {
            return text;
        }
        JsonNode node;
        try {
            node = MAPPER.readTree(s);
        } catch (java.io.IOException e) {
            return text;
        }
        if (node == null || !node.isObject()) {
            return text;
        }
        StringBuilder sb = new StringBuilder();
        for (String key : ThreeSectionAnswer.SECTIONS) {
            JsonNode v = node.get(key);
            if (v == null) {
                continue;
            }
            String body;
            if (v.isArray()) {
                List<String> items = new ArrayList<>();
                v.forEach(x -> items.add(x.asText()));
                body = String.join("、", items);
            } else {
                body = v.asText();
            }
            if (sb.length() > 0) {
                sb.append('\n');
            }
            sb.append(key).append('：').append(body.strip());
        }
        return sb.length() == 0 ? text : sb.toString();
    }
}
