package org.tcmrx.bart;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.tcmrx.core.ClinicalCase;
import org.tcmrx.core.Dataset;
import org.tcmrx.core.EmbeddedCorpus;
import org.tcmrx.core.Herb;
import org.tcmrx.core.MalformedDataException;
import org.tcmrx.core.Progress;
import org.tcmrx.core.Ranking;
import org.tcmrx.core.internal.Sha256;
import org.tcmrx.core.safetensors.SafetensorsFile;
import org.tcmrx.core.safetensors.SafetensorsWriter;
import org.tcmrx.core.safetensors.SafetensorsWriter.Tensor;
import org.tcmrx.nn.StepMetrics;
import org.tcmrx.nn.TrainingListener;

/** Starts the symptom → herb BART from bart-tiny-A, on a handful of embedded-corpus records. */
@DisplayName("BartHerbTrainer from a pretrained checkpoint")
class BartHerbTrainerPretrainedTest {
    private static final String SHARED = "model.shared.weight";
    private static final String BIAS = BartModel.FINAL_LOGITS_BIAS;
    /** bart-tiny-A's d_model, where the training config's default is 128. */
    private static final int C = 64;

    private static Path fixture;
    private static List<ClinicalCase> train;
    private static List<ClinicalCase> valid;
    private static HerbTokenizer tokenizer;

    @BeforeAll
    static void cases() {
        fixture = BartFixtures.bartTinyA();
        Dataset corpus = EmbeddedCorpus.load();
        train = List.copyOf(corpus.split(Dataset.TRAIN).subList(0, 16));
        valid = List.copyOf(corpus.split(Dataset.VALID).subList(0, 4));
        tokenizer = HerbTokenizer.fit(train, HerbOrder.RANDOM, true);
    }

    /** bart-tiny-A has 64 positions, fewer than the default 128; the size settings stay at their defaults. */
    private static BartHerbTrainingConfig.Builder settings(Path checkpoint) {
        return BartHerbTrainingConfig.builder().optInitCheckpoint(checkpoint).optMaxPositions(C);
    }

    /** A copy of bart-tiny-A with its config.json edited and, when given, other tensors. */
    private static Path edited(Path dir, String from, String to, Map<String, Tensor> tensorsOrNull)
            throws IOException {
        String json = Files.readString(fixture.resolve("config.json"));
        assertThat(json).contains(from);
        Files.writeString(dir.resolve("config.json"), json.replace(from, to));
        if (tensorsOrNull == null) {
            Files.copy(fixture.resolve("model.safetensors"), dir.resolve("model.safetensors"));
        } else {
            SafetensorsWriter.write(dir.resolve("model.safetensors"), tensorsOrNull, Map.of());
        }
        return dir;
    }

    private static float[] row(float[] table, int row) {
        return Arrays.copyOfRange(table, row * C, (row + 1) * C);
    }

    private static double std(float[] values) {
        double sum = 0;
        double sq = 0;
        for (float v : values) {
            sum += v;
            sq += (double) v * v;
        }
        double mean = sum / values.length;
        return Math.sqrt(sq / values.length - mean * mean);
    }

    @Nested
    @DisplayName("the initial model")
    class Initial {
        @Test
        @DisplayName("copies every tensor but the vocabulary's, and takes the checkpoint's architecture")
        void copied() throws IOException {
            try (BartModel model = BartHerbTrainer.initModel(settings(fixture).build(), tokenizer);
                    SafetensorsFile checkpoint = SafetensorsFile.open(fixture.resolve("model.safetensors"))) {
                Map<String, NDArray> p = model.parameters();
                assertThat(p.get("model.encoder.layers.0.self_attn.q_proj.weight").toFloatArray())
                        .containsExactly(checkpoint.floats("model.encoder.layers.0.self_attn.q_proj.weight"));
                assertThat(p.get("model.encoder.embed_positions.weight").toFloatArray())
                        .containsExactly(checkpoint.floats("model.encoder.embed_positions.weight"));
                assertThat(p.get("model.decoder.embed_positions.weight").toFloatArray())
                        .containsExactly(checkpoint.floats("model.decoder.embed_positions.weight"));
                assertThat(p.keySet()).containsExactlyInAnyOrderElementsOf(checkpoint.names());
                for (String name : checkpoint.names()) {
                    if (!name.equals(SHARED) && !name.equals(BIAS)) {
                        assertThat(p.get(name).toFloatArray()).as(name).containsExactly(checkpoint.floats(name));
                    }
                }
                assertThat(p.get(SHARED).getShape()).isEqualTo(new Shape(tokenizer.size(), C));
                assertThat(p.get(BIAS).getShape()).isEqualTo(new Shape(1, tokenizer.size()));
                assertThat(p.get(BIAS).toFloatArray()).containsOnly(0f); // the checkpoint's is not zero
                assertThat(checkpoint.floats(BIAS)).isNotEqualTo(new float[300]);
            }
            try (BartModel model = BartHerbTrainer.initModel(settings(fixture).build(), tokenizer)) {
                BartConfig config = model.config();
                BartConfig pretrained = BartConfig.read(fixture.resolve("config.json"));
                assertThat(config).isEqualTo(pretrained.toBuilder().optVocabSize(tokenizer.size())
                        .optDropout(0.1).optAttentionDropout(0).optActivationDropout(0)
                        .optForcedEosTokenId(null).build());
                assertThat(List.of(config.padTokenId(), config.bosTokenId(), config.eosTokenId(),
                        config.decoderStartTokenId()))
                        .containsExactly(HerbTokenizer.PAD, HerbTokenizer.BOS, HerbTokenizer.EOS, HerbTokenizer.EOS);
            }
        }

        @Test
        @DisplayName("gives special tokens the checkpoint's rows of the same role and draws the others, seeded")
        void newRows(@TempDir Path dir) throws IOException {
            // The checkpoint's bos and eos sit at other ids than the herb tokenizer's 1 and 2.
            Path moved = edited(dir, "\"bos_token_id\": 1,", "\"bos_token_id\": 7,", null);
            String config = Files.readString(moved.resolve("config.json")).replace("\"eos_token_id\": 2,",
                    "\"eos_token_id\": 9,").replace("\"decoder_start_token_id\": 2,", "\"decoder_start_token_id\": 9,");
            Files.writeString(moved.resolve("config.json"), config);
            float[] old;
            try (SafetensorsFile checkpoint = SafetensorsFile.open(fixture.resolve("model.safetensors"))) {
                old = checkpoint.floats(SHARED);
            }
            try (BartModel a = BartHerbTrainer.initModel(settings(moved).optSeed(5).build(), tokenizer);
                    BartModel b = BartHerbTrainer.initModel(settings(moved).optSeed(5).build(), tokenizer);
                    BartModel c = BartHerbTrainer.initModel(settings(moved).optSeed(6).build(), tokenizer)) {
                float[] table = a.parameters().get(SHARED).toFloatArray();
                assertThat(row(table, HerbTokenizer.PAD)).containsExactly(row(old, 0));
                assertThat(row(table, HerbTokenizer.BOS)).containsExactly(row(old, 7));
                assertThat(row(table, HerbTokenizer.EOS)).containsExactly(row(old, 9));
                assertThat(b.parameters().get(SHARED).toFloatArray()).containsExactly(table);
                float[] other = c.parameters().get(SHARED).toFloatArray();
                assertThat(row(other, HerbTokenizer.EOS)).containsExactly(row(table, HerbTokenizer.EOS));
                assertThat(row(other, HerbTokenizer.UNK)).isNotEqualTo(row(table, HerbTokenizer.UNK));
                // The new rows share the checkpoint table's spread (about init_std 0.02 for this random fixture).
                float[] drawn = Arrays.copyOfRange(table, (HerbTokenizer.EOS + 1) * C, table.length);
                assertThat(std(drawn) / std(old)).isBetween(0.9, 1.1);
            }
        }

        @Test
        @DisplayName("gives an untied lm_head the new vocabulary too")
        void untied(@TempDir Path dir) throws IOException {
            Map<String, Tensor> tensors = BartFixtures.tensors(fixture.resolve("model.safetensors"));
            float[] head = new float[300 * C];
            for (int i = 0; i < head.length; i++) {
                head[i] = (i % 7) * 0.01f;
            }
            tensors.put("lm_head.weight", Tensor.ofFloats(new long[] {300, C}, head));
            Path untied = edited(dir, "\"tie_word_embeddings\": true", "\"tie_word_embeddings\": false", tensors);
            try (BartModel model = BartHerbTrainer.initModel(settings(untied).build(), tokenizer)) {
                assertThat(model.config().tieWordEmbeddings()).isFalse();
                NDArray lmHead = model.parameters().get("lm_head.weight");
                assertThat(lmHead.getShape()).isEqualTo(new Shape(tokenizer.size(), C));
                assertThat(row(lmHead.toFloatArray(), HerbTokenizer.EOS)).containsExactly(row(head, 2));
                assertThat(lmHead.toFloatArray()).isNotEqualTo(model.parameters().get(SHARED).toFloatArray());
            }
        }
    }

    @Nested
    @DisplayName("a short training run")
    @TestInstance(TestInstance.Lifecycle.PER_CLASS)
    class Training {
        private final List<Double> losses = new ArrayList<>();
        private BartHerbTrainer.Trained trained;

        @BeforeAll
        void train(@TempDir Path work) throws IOException {
            BartHerbTrainingConfig config = settings(fixture).optEpochs(8).optBatchSize(8)
                    .optOptimizer(3e-3, 0.05, 0.01).optDropout(0).optPatience(8).build();
            TrainingListener record = new TrainingListener() {
                @Override
                public void onStep(StepMetrics m) {
                    losses.add(m.loss());
                }
            };
            trained = BartHerbTrainer.train(train, valid, config, work, Progress.NONE, List.of(record));
        }

        @AfterAll
        void close() {
            if (trained != null) {
                trained.ranker().close();
            }
        }

        @Test
        @DisplayName("lowers the loss")
        void lossFalls() {
            double first = losses.subList(0, 3).stream().mapToDouble(Double::doubleValue).average().orElseThrow();
            double last = losses.subList(losses.size() - 3, losses.size()).stream().mapToDouble(Double::doubleValue)
                    .average().orElseThrow();
            assertThat(last).isLessThan(first * 0.8);
        }

        @Test
        @DisplayName("gives a ranker of k distinct herbs")
        void ranks() {
            Ranking ranking = trained.ranker().rank(valid.get(0).query(), 10);
            List<Herb> herbs = ranking.herbs();
            assertThat(herbs).hasSize(10).doesNotHaveDuplicates();
            Set<Herb> known = new HashSet<>();
            train.forEach(c -> known.addAll(c.herbs()));
            assertThat(known).containsAll(herbs);
        }

        @Test
        @DisplayName("records the checkpoint, its digest and the architecture in the provenance")
        void provenance() throws IOException {
            assertThat(trained.provenance().parameters())
                    .containsEntry("init_checkpoint", fixture.toString())
                    .containsEntry("init_checkpoint_sha256",
                            "model.safetensors=" + Sha256.of(fixture.resolve("model.safetensors")))
                    .containsEntry("d_model", "64")
                    .containsEntry("vocab_size", String.valueOf(tokenizer.size()));
            assertThat(trained.provenance().parameters().get("config")).contains("initCheckpoint=" + fixture);
        }
    }

    @Nested
    @DisplayName("refuses")
    class Refuses {
        @Test
        @DisplayName("a checkpoint with fewer positions than maxPositions, naming config.json and the value")
        void positions(@TempDir Path work) {
            BartHerbTrainingConfig config = BartHerbTrainingConfig.builder().optInitCheckpoint(fixture).build();
            assertThatThrownBy(() -> BartHerbTrainer.train(train, valid, config, work, Progress.NONE, List.of()))
                    .isInstanceOf(MalformedDataException.class)
                    .hasMessage(fixture.resolve("config.json") + ": max_position_embeddings: 64 is less than the 128"
                            + " positions the herb sequences need (maxPositions)");
            BartConfig pretrained = BartConfig.defaults().toBuilder().optMaxPositionEmbeddings(64).build();
            assertThatThrownBy(() -> config.modelConfig(tokenizer.size(), pretrained))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("pretrained: max_position_embeddings 64 is less than maxPositions 128");
        }

        @Test
        @DisplayName("another model's config.json, naming the file and the model_type")
        void notBart(@TempDir Path dir, @TempDir Path work) throws IOException {
            Path qwen = edited(dir, "\"model_type\": \"bart\"", "\"model_type\": \"qwen2\"", null);
            BartHerbTrainingConfig config = settings(qwen).build();
            assertThatThrownBy(() -> BartHerbTrainer.train(train, valid, config, work, Progress.NONE, List.of()))
                    .isInstanceOf(MalformedDataException.class)
                    .hasMessage(qwen.resolve("config.json") + ": model_type: unsupported value 'qwen2'; expected "
                            + "'bart'");
        }

        @Test
        @DisplayName("a configuration that changes the checkpoint's architecture")
        void architecture() throws IOException {
            BartConfig pretrained = BartConfig.read(fixture.resolve("config.json"));
            BartConfig wider = settings(fixture).build().modelConfig(tokenizer.size(), pretrained).toBuilder()
                    .optEncoderFfnDim(256).build();
            assertThatThrownBy(() -> BartModel.loadWithNewVocabulary(fixture, wider, 1, Device.cpu()))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("config: encoder_ffn_dim is 256 but " + fixture.resolve("config.json") + " has 128;"
                            + " only the vocabulary, the special token ids, dropout, layer-drop and init_std may"
                            + " differ from the checkpoint");
        }
    }
}
