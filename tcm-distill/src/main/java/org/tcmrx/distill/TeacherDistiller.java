package org.tcmrx.distill;

import java.io.IOException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.tcmrx.core.ClinicalCase;

/**
 * Distills records by asking a chat model ({@link TeacherClient}): the teacher sees the record and its true herbs,
 * answers in three sections, and the answer is validated; a rejected answer is sent back with its reasons, up to
 * {@code maxReAsks} times, before the record is rejected.
 *
 * <p>A response the server garbles even after the client's retries ({@link TeacherResponseException}) rejects the
 * record with that reason; any other {@link IOException} (the server unreachable, rate-limited or failing after every
 * retry) propagates, and the record is left for a later run.
 */
public final class TeacherDistiller implements Distiller {
    /** The teacher's kind in provenance. */
    public static final String TEACHER = "openai";

    private static final Logger LOG = LoggerFactory.getLogger(TeacherDistiller.class);

    private final TeacherClient client;
    private final PromptTemplate template;
    private final SampleValidator validator;
    private final int maxReAsks;
    private final boolean json;
    private final long seed;
    private final Clock clock;

    private TeacherDistiller(Builder b) {
        this.client = b.client;
        this.template = b.template == null ? PromptTemplate.standard() : b.template;
        this.validator = new SampleValidator(b.validation == null ? ValidationConfig.defaults() : b.validation);
        this.maxReAsks = b.maxReAsks;
        this.json = b.json;
        this.seed = b.seed;
        this.clock = b.clock == null ? Clock.systemUTC() : b.clock;
    }

    /**
     * Starts a builder.
     *
     * @return a builder
     */
    public static Builder builder() {
        return new Builder();
    }

    @Override
    public DistillResult distill(ClinicalCase record) throws IOException {
        if (record == null) {
            throw new IllegalArgumentException("record must not be null");
        }
        List<TeacherMessage> messages = new ArrayList<>(template.teacherMessages(record, json));
        TokenUsage usage = TokenUsage.NONE;
        int retries = 0;
        List<String> reasons = List.of();
        String last = null;
        for (int attempt = 1; attempt <= maxReAsks + 1; attempt++) {
            TeacherReply reply;
            try {
                reply = client.complete(messages);
            } catch (TeacherResponseException e) {
                return DistillResult.rejected(record.id(), List.of("unusable teacher response: " + e.getMessage()),
                        last, provenance(attempt, retries, usage));
            }
            usage = usage.plus(reply.usage());
            retries += reply.retries();
            last = reply.content();
            Validation v = validator.validate(last, record);
            if (v.accepted()) {
                return DistillResult.accepted(record.id(), new DistilledSample(template.studentPrompt(record),
                        v.answerOrNull()), provenance(attempt, retries, usage));
            }
            reasons = v.reasons();
            LOG.debug("record {} attempt {} rejected: {}", record.id(), attempt, reasons);
            if (attempt <= maxReAsks) {
                messages.add(TeacherMessage.assistant(last));
                messages.add(TeacherMessage.user(template.reask(reasons)));
            }
        }
        return DistillResult.rejected(record.id(), reasons, last, provenance(maxReAsks + 1, retries, usage));
    }

    private SampleProvenance provenance(int attempts, int retries, TokenUsage usage) {
        return new SampleProvenance(TEACHER, client.model(), template.version(), template.sha256(), clock.instant(),
                seed, attempts, retries, usage);
    }

    @Override
    public Map<String, String> describe() {
        Map<String, String> m = new TreeMap<>();
        m.put("teacher", TEACHER);
        m.put("model", client.model());
        m.put("template", template.version());
        m.put("templateSha256", template.sha256());
        m.put("maxReAsks", String.valueOf(maxReAsks));
        m.put("json", String.valueOf(json));
        m.put("herbMatch", validator.config().herbMatch().name());
        return m;
    }

    /** Builds a {@link TeacherDistiller}: {@code setClient} is required. */
    public static final class Builder {
        private TeacherClient client;
        private PromptTemplate template;
        private ValidationConfig validation;
        private int maxReAsks = 2;
        private boolean json;
        private long seed = 42;
        private Clock clock;

        private Builder() {}

        /**
         * Sets the chat model to ask.
         *
         * @param client the client
         * @return this builder
         */
        public Builder setClient(TeacherClient client) {
            this.client = client;
            return this;
        }

        /**
         * Sets the prompt template (default {@link PromptTemplate#standard()}).
         *
         * @param template the template
         * @return this builder
         */
        public Builder optTemplate(PromptTemplate template) {
            this.template = template;
            return this;
        }

        /**
         * Sets the validation rules (default {@link ValidationConfig#defaults()}).
         *
         * @param validation the rules
         * @return this builder
         */
        public Builder optValidation(ValidationConfig validation) {
            this.validation = validation;
            return this;
        }

        /**
         * Sets how many times a rejected answer is sent back with its reasons (default 2).
         *
         * @param maxReAsks at least 0
         * @return this builder
         */
        public Builder optMaxReAsks(int maxReAsks) {
            this.maxReAsks = maxReAsks;
            return this;
        }

        /**
         * Asks for the answer as a JSON object (use with a client whose response format is JSON); default false.
         *
         * @param json whether to append the template's JSON instruction
         * @return this builder
         */
        public Builder optJson(boolean json) {
            this.json = json;
            return this;
        }

        /**
         * Sets the seed recorded in provenance; give the client the same one (default 42).
         *
         * @param seed the seed
         * @return this builder
         */
        public Builder optSeed(long seed) {
            this.seed = seed;
            return this;
        }

        /**
         * Sets the clock stamped into provenance (default the system's UTC clock).
         *
         * @param clock the clock
         * @return this builder
         */
        public Builder optClock(Clock clock) {
            this.clock = clock;
            return this;
        }

        /**
         * Builds the distiller.
         *
         * @return the distiller
         * @throws IllegalArgumentException when the client is missing or maxReAsks is negative
         */
        public TeacherDistiller build() {
            if (client == null) {
                throw new IllegalArgumentException("client must be set");
            }
            if (maxReAsks < 0) {
                throw new IllegalArgumentException("maxReAsks must be at least 0, got " + maxReAsks);
            }
            return new TeacherDistiller(this);
        }
    }
}
