package org.tcmrx.distill;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import org.tcmrx.core.ClinicalCase;
import org.tcmrx.core.Herb;
import org.tcmrx.core.Symptom;
import org.tcmrx.core.internal.Sha256;

/**
 * The Chinese prompts of distillation, versioned and hashed: what the teacher is asked (the record's symptoms, tongue,
 * pulse, syndromes and true herbs), what the student will be asked (the findings only), how a rejected answer is sent
 * back, and the extra instruction for JSON output.
 *
 * <p>Placeholders: {@code {symptoms}}, {@code {tongue}}, {@code {pulse}}, {@code {syndromes}}, {@code {herbs}} in the
 * teacher and student prompts, {@code {reasons}} in the re-ask. {@link #sha256()} covers every text and the version,
 * so a changed word changes the hash recorded in each sample's provenance.
 *
 * @param version the template's version, e.g. {@code tcmrx-distill-v1}
 * @param system the system message
 * @param teacherPrompt the user message the teacher sees
 * @param studentPrompt the user message stored in the sample (no herbs, no syndromes)
 * @param reask the user message that sends a rejected answer's reasons back
 * @param jsonInstruction appended to the teacher prompt when the answer is asked for as JSON
 */
public record PromptTemplate(String version, String system, String teacherPrompt, String studentPrompt,
        String reask, String jsonInstruction) {
    /** The written form of a finding the record does not have. */
    public static final String NOT_RECORDED = "未记载";

    /**
     * Validates the template.
     *
     * @param version the version
     * @param system the system message
     * @param teacherPrompt the teacher's user message
     * @param studentPrompt the student's user message
     * @param reask the re-ask message
     * @param jsonInstruction the JSON instruction
     * @throws IllegalArgumentException naming the text that is blank, or that lacks its required placeholder
     */
    public PromptTemplate {
        String[][] texts = {{version, "version"}, {system, "system"}, {teacherPrompt, "teacherPrompt"},
                {studentPrompt, "studentPrompt"}, {reask, "reask"}, {jsonInstruction, "jsonInstruction"}};
        for (String[] t : texts) {
            if (t[0] == null || t[0].isBlank()) {
                throw new IllegalArgumentException(t[1] + " must not be blank");
            }
        }
        if (!teacherPrompt.contains("{herbs}")) {
            throw new IllegalArgumentException("teacherPrompt must contain {herbs}");
        }
        if (studentPrompt.contains("{herbs}")) {
            throw new IllegalArgumentException("studentPrompt must not contain {herbs}: the student predicts them");
        }
        if (!reask.contains("{reasons}")) {
            throw new IllegalArgumentException("reask must contain {reasons}");
        }
    }

    /**
     * Returns version 1 of the standard template.
     *
     * @return the template
     */
    public static PromptTemplate standard() {
        return new PromptTemplate("tcmrx-distill-v1",
                "你是一位经验丰富的中医临床专家，精于辨证论治与方药配伍，回答严谨、简明，只用中文。",
                """
                以下是一则中医临床记录及其真实处方。请据此写出一份可解释的诊疗答案，严格分为三部分，依次以“症状分析：”“处方推荐：”“处方解释：”开头：
                症状分析：分析症状、舌象、脉象，归纳证候与病机，提出治法。
                处方推荐：只列出下方处方中的全部药物，用“、”分隔，不增不减，不写剂量。
                处方解释：逐一说明每味药的性味、归经、功效及其在方中的作用（君臣佐使），不提处方以外的药物。

                【症状】{symptoms}
                【舌象】{tongue}
                【脉象】{pulse}
                【证候】{syndromes}
                【处方】{herbs}""",
                """
                请根据以下临床表现进行辨证，推荐处方并解释。回答分为“症状分析”“处方推荐”“处方解释”三部分。
                【症状】{symptoms}
                【舌象】{tongue}
                【脉象】{pulse}""",
                """
                你的回答未通过检查：
                {reasons}
                请改正上述问题，重新给出完整的三部分回答。""",
                "请以 JSON 对象输出，只含三个键：\"症状分析\"（字符串）、\"处方推荐\"（药名字符串数组）、\"处方解释\"（字符串）。");
    }

    /**
     * Returns the SHA-256 of the version and every text, each followed by a NUL character, in component order.
     *
     * @return 64 lower-case hex digits
     */
    public String sha256() {
        MessageDigest d = Sha256.newDigest();
        for (String t : List.of(version, system, teacherPrompt, studentPrompt, reask, jsonInstruction)) {
            d.update(t.getBytes(StandardCharsets.UTF_8));
            d.update((byte) 0);
        }
        return Sha256.hex(d);
    }

    /**
     * Builds the conversation that asks the teacher for a record's answer.
     *
     * @param record the record
     * @param json whether to append the JSON instruction
     * @return the system and user messages
     * @throws IllegalArgumentException when the record is null
     */
    public List<TeacherMessage> teacherMessages(ClinicalCase record, boolean json) {
        String user = fill(teacherPrompt, record);
        if (json) {
            user = user + "\n" + jsonInstruction;
        }
        List<TeacherMessage> messages = new ArrayList<>();
        messages.add(TeacherMessage.system(system));
        messages.add(TeacherMessage.user(user));
        return messages;
    }

    /**
     * Builds the prompt stored in the sample: the findings the student will see.
     *
     * @param record the record
     * @return the user message
     * @throws IllegalArgumentException when the record is null
     */
    public String studentPrompt(ClinicalCase record) {
        return fill(studentPrompt, record);
    }

    /**
     * Builds the message that sends a rejected answer's reasons back to the teacher.
     *
     * @param reasons the reasons, at least one
     * @return the user message
     * @throws IllegalArgumentException when there is no reason
     */
    public String reask(List<String> reasons) {
        if (reasons == null || reasons.isEmpty()) {
            throw new IllegalArgumentException("reasons must not be empty");
        }
        return reask.replace("{reasons}", reasons.stream().map(r -> "- " + r).collect(Collectors.joining("\n")));
    }

    private static String fill(String template, ClinicalCase record) {
        if (record == null) {
            throw new IllegalArgumentException("record must not be null");
        }
        String symptoms = record.symptoms().isEmpty() ? record.text()
                : record.symptoms().stream().map(Symptom::name).collect(Collectors.joining("、"));
        return template.replace("{symptoms}", symptoms)
                .replace("{tongue}", orNotRecorded(record.tongue()))
                .replace("{pulse}", orNotRecorded(record.pulse()))
                .replace("{syndromes}", record.syndromes().isEmpty() ? NOT_RECORDED
                        : String.join("、", record.syndromes()))
                .replace("{herbs}", record.herbs().stream().map(Herb::name).collect(Collectors.joining("、")));
    }

    private static String orNotRecorded(String s) {
        return s == null ? NOT_RECORDED : s;
    }
}
