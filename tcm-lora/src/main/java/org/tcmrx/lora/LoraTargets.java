package org.tcmrx.lora;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.tcmrx.lora.Qwen2Config.FieldException;
import org.tcmrx.lora.internal.WeightLayout;

/**
 * Which modules of a {@code Qwen2ForCausalLM} an adapter's {@code target_modules} select, by PEFT's rule for a list of
 * names: module {@code m} is selected by name {@code n} when {@code m.equals(n)} or {@code m.endsWith("." + n)}.
 * Matching runs over every module {@code model.named_modules()} lists, so a name that selects something LoRA cannot
 * adapt here (a norm, a whole block, the embeddings, {@code lm_head}) is an error, as PEFT's "not supported" is.
 */
final class LoraTargets {
    /** The projections of a decoder layer, in module order: what LoRA adapts. */
    static final List<String> PROJECTIONS = List.of("self_attn.q_proj", "self_attn.k_proj", "self_attn.v_proj",
            "self_attn.o_proj", "mlp.gate_proj", "mlp.up_proj", "mlp.down_proj");

    private static final String ADAPTABLE = "only the decoder layers' projections can be adapted "
            + "(q_proj, k_proj, v_proj, o_proj, gate_proj, up_proj, down_proj)";

    private LoraTargets() {}

    /**
     * Selects the modules to adapt.
     *
     * @param targetModules the names, or {@code [all-linear]} for every projection (PEFT leaves out the output layer)
     * @param layers the number of decoder layers
     * @return the selected projections' module paths, in module order
     * @throws FieldException (field {@code target_modules}) when a name selects a module that is not a projection, or
     *     nothing is selected
     */
    static List<String> select(List<String> targetModules, int layers) {
        boolean all = targetModules.equals(List.of(LoraConfig.ALL_LINEAR));
        List<String> selected = new ArrayList<>();
        for (String module : namedModules(layers)) {
            boolean projection = isProjection(module);
            if (all && projection) {
                selected.add(module);
                continue;
            }
            for (String name : all ? List.<String>of() : targetModules) {
                if (module.equals(name) || module.endsWith("." + name)) {
                    if (!projection) {
                        throw new FieldException("target_modules", "'" + name + "' selects " + module + "; "
                                + ADAPTABLE);
                    }
                    selected.add(module);
                    break;
                }
            }
        }
        if (selected.isEmpty()) {
            throw new FieldException("target_modules", targetModules + " select no module of this Qwen2 model; "
                    + ADAPTABLE);
        }
        return selected;
    }

    /**
     * Returns the last names of modules, once each in first-seen order: the {@code target_modules} PEFT saves after
     * resolving {@code all-linear}.
     *
     * @param modules module paths
     * @return their distinct last names
     */
    static List<String> leafNames(List<String> modules) {
        Set<String> names = new LinkedHashSet<>();
        for (String module : modules) {
            names.add(module.substring(module.lastIndexOf('.') + 1));
        }
        return List.copyOf(names);
    }

    private static boolean isProjection(String module) {
        return module.startsWith("model.layers.") && PROJECTIONS.stream().anyMatch(p -> module.endsWith("." + p));
    }

    /** The paths {@code Qwen2ForCausalLM.named_modules()} yields (but the unnamed root), in its order. */
    private static List<String> namedModules(int layers) {
        List<String> modules = new ArrayList<>(List.of("model", "model.embed_tokens", "model.layers"));
        for (int i = 0; i < layers; i++) {
            String layer = WeightLayout.layerPrefix(i);
            modules.add(layer.substring(0, layer.length() - 1));
            modules.add(layer + "self_attn");
            for (String p : PROJECTIONS.subList(0, 4)) {
                modules.add(layer + p);
            }
            modules.add(layer + "mlp");
            for (String p : PROJECTIONS.subList(4, 7)) {
                modules.add(layer + p);
            }
            modules.add(layer + "mlp.act_fn");
            modules.add(layer + "input_layernorm");
            modules.add(layer + "post_attention_layernorm");
        }
        modules.addAll(List.of("model.norm", "model.rotary_emb", "lm_head"));
        return modules;
    }
}
