package org.tcmrx.lora;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.tcmrx.core.Herb;
import org.tcmrx.core.safety.RuleKind;
import org.tcmrx.core.safety.SafetyChecker;

@DisplayName("PrescriptionConstraint with the Qwen tokenizer")
class PrescriptionConstraintTest {
    private static final List<String> HERBS = List.of("黄芪", "当归", "白术", "炙甘草", "甘草", "川芎");
    private static QwenTokenizer tokenizer;
    private static PrescriptionConstraint constraint;

    @BeforeAll
    static void load() throws IOException {
        tokenizer = QwenTokenizer.load(GeneratorTest.tokenizerFile());
        constraint = PrescriptionConstraint.of(HERBS, tokenizer);
    }

    @AfterAll
    static void close() {
        if (tokenizer != null) {
            tokenizer.close();
        }
    }

    /** Zero logits over the tokenizer's ids, processed after the generated text. */
    private static float[] process(String generated) {
        float[] logits = new float[tokenizer.vocabSize()];
        constraint.process(new long[] {1, 2}, tokenizer.encode(generated), logits);
        return logits;
    }

    private static boolean allowed(float[] logits, long id) {
        return logits[(int) id] != Float.NEGATIVE_INFINITY;
    }

    private static long first(String text) {
        return tokenizer.encode(text)[0];
    }

    @Nested
    @DisplayName("masks")
    class Masks {
        @Test
        @DisplayName("nothing before the header or after the section's newline")
        void outside() {
            assertThat(process("诊断：气虚血瘀\n")).containsOnly(0f);
            assertThat(process("处方推荐：黄芪、当归\n")).containsOnly(0f);
            assertThat(process("处方推荐：黄芪\n处方解释：补气")).containsOnly(0f);
        }

        @Test
        @DisplayName("a herb outside the vocabulary, even when its logit is the largest")
        void preferredInvalidHerb() {
            float[] logits = new float[tokenizer.vocabSize()];
            long ginseng = first("人参");
            logits[(int) ginseng] = 100f;
            long angelica = first("当归");
            logits[(int) angelica] = 1f;
            constraint.process(new long[0], tokenizer.encode("处方推荐：\n黄芪、"), logits);
            assertThat(logits[(int) ginseng]).isEqualTo(Float.NEGATIVE_INFINITY);
            assertThat(Sampling.argmax(logits)).isEqualTo(angelica);
        }

        @Test
        @DisplayName("separators, the final newline and EOS only after a complete herb")
        void boundaries() {
            long imEnd = tokenizer.tokenId(QwenTokenizer.IM_END);
            long imStart = tokenizer.tokenId(QwenTokenizer.IM_START);
            float[] afterHerb = process("处方推荐：黄芪");
            assertThat(allowed(afterHerb, first("、"))).isTrue();
            assertThat(allowed(afterHerb, first("\n"))).isTrue();
            assertThat(allowed(afterHerb, imEnd)).isTrue();
            assertThat(allowed(afterHerb, imStart)).isFalse();
            assertThat(allowed(afterHerb, first("精"))).isFalse();
            float[] afterSeparator = process("处方推荐：黄芪、");
            assertThat(allowed(afterSeparator, first("、"))).isFalse();
            assertThat(allowed(afterSeparator, first("\n"))).isFalse();
            assertThat(allowed(afterSeparator, imEnd)).isFalse();
            float[] midHerb = process("处方推荐：黄芪、炙");
            assertThat(allowed(midHerb, first("甘"))).isTrue();
            assertThat(allowed(midHerb, first("\n"))).isFalse();
        }

        @Test
        @DisplayName("no herb twice: a finished herb cannot be completed again, nor a prefix that leads only to it")
        void noRepeats() {
            float[] afterTwo = process("处方推荐：黄芪、当归、");
            assertThat(allowed(afterTwo, first("黄"))).isFalse(); // 黄 leads only to 黄芪
            assertThat(allowed(afterTwo, first("当"))).isFalse();
            assertThat(allowed(afterTwo, first("白"))).isTrue();
            float[] sharedPrefix = process("处方推荐：甘草、炙");
            assertThat(allowed(sharedPrefix, first("甘"))).isTrue(); // 炙甘草 is still free
            float[] afterLonger = process("处方推荐：炙甘草、");
            assertThat(allowed(afterLonger, first("甘"))).isTrue(); // 甘草 is another herb
            float[] midRepeat = process("处方推荐：白术、白");
            assertThat(allowed(midRepeat, first("术"))).isFalse();
            float[] current = process("处方推荐：黄芪");
            assertThat(allowed(current, first("、"))).isTrue(); // the herb being written is not finished yet
        }

        @Test
        @DisplayName("with every herb written, only the section's end is left")
        void exhausted() {
            float[] all = process("处方推荐：黄芪、当归、白术、炙甘草、甘草、川芎、");
            assertThat(allowed(all, first("\n"))).isTrue();
            assertThat(allowed(all, tokenizer.tokenId(QwenTokenizer.IM_END))).isTrue();
            assertThat(allowed(all, first("黄"))).isFalse();
        }

        @Test
        @DisplayName("a token spanning a separator and the next herb is judged on its whole text")
        void spanningTokens() {
            float[] afterHerb = process("处方推荐：黄芪");
            for (int id = 0; id < afterHerb.length; id++) {
                String piece = tokenizer.decode(new long[] {id}, false);
                if (piece.startsWith("、") && piece.length() > 1 && allowed(afterHerb, id)) {
                    String rest = piece.substring(1);
                    assertThat(HERBS.stream().anyMatch(h -> h.startsWith(rest) || rest.startsWith(h)))
                            .as("token %d '%s'", id, piece).isTrue();
                }
            }
        }
    }

    @Test
    @DisplayName("random logits, argmax after the constraint, write only listed herbs")
    void randomWalk() {
        Random random = new Random(11);
        for (int trial = 0; trial < 3; trial++) {
            long[] header = tokenizer.encode("舌淡苔白。\n处方推荐：");
            long[] ids = header;
            for (int step = 0; step < 12; step++) {
                float[] logits = new float[tokenizer.vocabSize()];
                for (int i = 0; i < logits.length; i++) {
                    logits[i] = (float) random.nextGaussian();
                }
                constraint.process(new long[0], ids, logits);
                ids = Arrays.copyOf(ids, ids.length + 1);
                ids[ids.length - 1] = Sampling.argmax(logits);
            }
            String text = tokenizer.decode(ids, true);
            String section = text.substring(text.indexOf(PrescriptionConstraint.SECTION_HEADER) + 4);
            String afterTail = section.replaceFirst("^[：:】\\])）* #\\n]+", "");
            int end = afterTail.indexOf('\n');
            String body = end < 0 ? afterTail : afterTail.substring(0, end);
            String[] parts = body.split("[、，, ]", -1);
            assertThat(Arrays.stream(parts).filter(HERBS::contains).distinct().count())
                    .as("no herb twice in '%s'", text)
                    .isEqualTo(Arrays.stream(parts).filter(HERBS::contains).count());
            for (int i = 0; i < parts.length; i++) {
                String part = parts[i];
                boolean last = i == parts.length - 1 && end < 0;
                assertThat(last ? HERBS.stream().anyMatch(h -> h.startsWith(part)) : HERBS.contains(part))
                        .as("'%s' in '%s'", part, text).isTrue();
            }
        }
    }

    @Nested
    @DisplayName("with a safety checker")
    class Safety {
        private static final List<String> SAFETY_HERBS = List.of("甘草", "海藻", "甘遂", "麝香", "黄芪", "半夏", "川乌",
                "白芍", "藜芦", "当归");
        private final SafetyChecker checker = SafetyChecker.standard().withKinds(EnumSet.of(
                RuleKind.EIGHTEEN_INCOMPATIBILITIES, RuleKind.NINETEEN_ANTAGONISMS, RuleKind.PREGNANCY_FORBIDDEN));
        private final PrescriptionConstraint safe = PrescriptionConstraint.of(SAFETY_HERBS,
                PrescriptionConstraint.DEFAULT_SEPARATORS, tokenizer, checker);

        private float[] run(String generated) {
            float[] logits = new float[tokenizer.vocabSize()];
            safe.process(new long[] {1, 2}, tokenizer.encode(generated), logits);
            return logits;
        }

        @Test
        @DisplayName("a herb forbidden with one already written is excluded, as are herbs flagged alone")
        void excludes() {
            float[] afterGancao = run("处方推荐：甘草、");
            assertThat(allowed(afterGancao, first("海"))).isFalse(); // 海藻 反 甘草
            assertThat(allowed(afterGancao, first("黄"))).isTrue();
            float[] start = run("处方推荐：");
            assertThat(allowed(start, first("海"))).isTrue();
            assertThat(allowed(start, first("麝"))).isFalse(); // 妊娠禁用, checked by this checker
            float[] afterWu = run("处方推荐：川乌、");
            assertThat(allowed(afterWu, first("半"))).isFalse();
            float[] afterLilu = run("处方推荐：藜芦、");
            assertThat(allowed(afterLilu, first("白"))).isFalse(); // 白芍 counts as 芍药
            assertThat(allowed(afterLilu, first("当"))).isTrue();
        }

        @Test
        @DisplayName("random logits, argmax after the constraint, never write a flagged pair")
        void randomWalk() {
            Random random = new Random(5);
            for (int trial = 0; trial < 8; trial++) {
                long[] ids = tokenizer.encode("处方推荐：");
                for (int step = 0; step < 16; step++) {
                    float[] logits = new float[tokenizer.vocabSize()];
                    for (int i = 0; i < logits.length; i++) {
                        logits[i] = (float) random.nextGaussian();
                    }
                    safe.process(new long[0], ids, logits);
                    ids = Arrays.copyOf(ids, ids.length + 1);
                    ids[ids.length - 1] = Sampling.argmax(logits);
                }
                String text = tokenizer.decode(ids, true);
                String body = text.substring(text.indexOf(PrescriptionConstraint.SECTION_HEADER) + 4)
                        .replaceFirst("^[：:】\\])）* #\\n]+", "").split("\n", -1)[0];
                List<Herb> written = Arrays.stream(body.split("[、，, ]")).filter(SAFETY_HERBS::contains)
                        .map(Herb::of).toList();
                assertThat(checker.check(written)).as("'%s'", text).isEmpty();
            }
        }
    }

    @Test
    @DisplayName("rejects empty herb lists and herbs holding a separator, naming them")
    void arguments() {
        assertThatThrownBy(() -> PrescriptionConstraint.of(List.of(), tokenizer))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("herbs must not be empty");
        assertThatThrownBy(() -> PrescriptionConstraint.of(List.of("黄芪、当归"), tokenizer))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("herbs: '黄芪、当归' must be non-empty and hold no separator or newline");
        assertThatThrownBy(() -> PrescriptionConstraint.of(HERBS, List.of("\n"), tokenizer))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("separators: '\n' must be non-empty and without a newline");
        assertThatThrownBy(() -> PrescriptionConstraint.of(HERBS, null))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("tokenizer must not be null");
    }
}
