package org.tcmrx.lora;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.Device;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tcmrx.core.ClinicalCase;
import org.tcmrx.core.Dataset;
import org.tcmrx.core.EmbeddedCorpus;
import org.tcmrx.distill.DistillResult;
import org.tcmrx.distill.PromptTemplate;
import org.tcmrx.distill.TeacherDistiller;
import org.tcmrx.distill.TeacherMessage;
import org.tcmrx.distill.TeacherReply;

@DisplayName("QwenTeacherClient on a tiny random Qwen2")
class QwenTeacherClientTest {
    private static final ChatTemplate TEMPLATE = ChatTemplate.builder().optNoDefaultSystemMessage().build();

    @TempDir
    Path tmp;

    @Test
    @DisplayName("answers deterministically with token counts, and a distiller turns its answer into a value")
    void answers() throws IOException {
        ClinicalCase record = EmbeddedCorpus.load().split(Dataset.TEST).get(0);
        List<TeacherMessage> messages = PromptTemplate.standard().teacherMessages(record, false);
        StringBuilder text = new StringBuilder();
        messages.forEach(m -> text.append(m.content()));
        String prompt = messages.get(messages.size() - 1).content();
        try (QwenTokenizer tokenizer = QwenTokenizer.load(Qwen2Fixtures.charTokenizer(tmp.resolve("tokenizer.json"),
                TEMPLATE.render(List.of(ChatMessage.user(prompt)), true) + text + "症状分析处方推荐解释：、\n"));
                Qwen2Model model = Qwen2Model.init(Qwen2Config.builder().optVocabSize(tokenizer.vocabSize())
                        .optHiddenSize(32).optIntermediateSize(64).optNumHiddenLayers(1).optNumAttentionHeads(4)
                        .optNumKeyValueHeads(2).build(), 5, Device.cpu())) {
            QwenTeacherClient teacher = new QwenTeacherClient(model, tokenizer, TEMPLATE, GenerationConfig.builder()
                    .optMaxNewTokens(8).optEosTokenIds(tokenizer.eosTokenIds()).build(), "tiny-qwen2");
            List<TeacherMessage> chat = List.of(TeacherMessage.user(prompt));
            TeacherReply reply = teacher.complete(chat);
            assertThat(reply).isEqualTo(teacher.complete(chat));
            assertThat(reply.usage().promptTokens())
                    .isEqualTo(tokenizer.encode(TEMPLATE.render(List.of(ChatMessage.user(prompt)), true)).length);
            assertThat(reply.usage().completionTokens()).isBetween(1L, 8L);
            assertThat(reply.retries()).isZero();
            assertThat(teacher.model()).isEqualTo("tiny-qwen2");

            DistillResult result = TeacherDistiller.builder().setClient(teacher).build().distill(record);
            assertThat(result.accepted()).isFalse();
            assertThat(result.reasons()).isNotEmpty();
            assertThatThrownBy(() -> teacher.complete(List.of(TeacherMessage.system("x"))))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("messages must end with");
        }
    }
}
