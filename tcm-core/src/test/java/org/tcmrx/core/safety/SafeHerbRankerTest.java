package org.tcmrx.core.safety;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.tcmrx.core.Herb;
import org.tcmrx.core.HerbRanker;
import org.tcmrx.core.Query;
import org.tcmrx.core.Ranking;
import org.tcmrx.core.ScoredHerb;

@DisplayName("SafeHerbRanker")
class SafeHerbRankerTest {
    /** Herbs that are in many rules, mixed with harmless ones, so random lists often hold a forbidden pair. */
    private static final List<String> POOL = List.of("甘草", "炙甘草", "甘遂", "京大戟", "海藻", "芫花", "川乌", "制川乌",
            "附子", "川贝母", "浙贝母", "瓜蒌", "天花粉", "半夏", "法半夏", "白蔹", "白及", "藜芦", "人参", "党参", "丹参",
            "玄参", "苦参", "细辛", "白芍", "赤芍", "北沙参", "硫黄", "芒硝", "丁香", "郁金", "肉桂", "赤石脂", "五灵脂",
            "巴豆", "牵牛子", "三棱", "桂枝", "麻黄", "杏仁", "茯苓", "白术", "陈皮", "当归", "川芎", "黄芪", "柴胡");

    /** A ranker that returns a fixed order, cut at k. */
    private static HerbRanker fixed(List<String> order) {
        return new HerbRanker() {
            @Override
            public Ranking rank(Query query, int k) {
                List<ScoredHerb> e = new ArrayList<>();
                for (int i = 0; i < Math.min(k, order.size()); i++) {
                    e.add(new ScoredHerb(Herb.of(order.get(i)), order.size() - i));
                }
                return new Ranking(e);
            }

            @Override
            public String name() {
                return "Fixed";
            }
        };
    }

    static Stream<Long> seeds() {
        return Stream.iterate(1L, s -> s + 1).limit(200);
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    @DisplayName("never returns a flagged pair, keeps the order, and fills K whenever the ranker has enough safe herbs")
    void neverFlagged(long seed) {
        Random random = new Random(seed);
        List<String> order = new ArrayList<>(POOL);
        Collections.shuffle(order, random);
        int k = 1 + random.nextInt(20);
        SafetyChecker checker = SafetyChecker.standard().withKinds(SafeHerbRanker.PAIR_KINDS);
        SafeHerbRanker safe = SafeHerbRanker.of(fixed(order), checker, random.nextInt(3), "S");
        SafeHerbRanker.Filtered f = safe.rankFiltered(Query.of("咳嗽"), k);
        List<Herb> kept = f.ranking().herbs();
        assertThat(checker.check(kept)).isEmpty();
        assertThat(kept).isSubsetOf(order.stream().map(Herb::of).toList());
        List<Herb> inOrder = order.stream().map(Herb::of).filter(kept::contains).toList();
        assertThat(kept).isEqualTo(inOrder);
        // Greedy: every herb ranked above the last kept one was kept or removed for a reason.
        int last = kept.isEmpty() ? -1 : order.indexOf(kept.get(kept.size() - 1).name());
        assertThat(kept.size() + f.removed().size()).isEqualTo(last + 1);
        long safeHerbs = greedySafeCount(order, checker);
        assertThat(kept).hasSize((int) Math.min(k, safeHerbs));
    }

    private static long greedySafeCount(List<String> order, SafetyChecker checker) {
        List<Herb> kept = new ArrayList<>();
        for (String h : order) {
            Herb herb = Herb.of(h);
            if (kept.stream().noneMatch(o -> checker.conflict(o, herb))) {
                kept.add(herb);
            }
        }
        return kept.size();
    }

    @Test
    @DisplayName("the better-ranked herb wins, and the finding names both")
    void betterWins() {
        SafeHerbRanker safe = SafeHerbRanker.of(fixed(List.of("甘草", "麻黄", "海藻", "桂枝", "杏仁")));
        SafeHerbRanker.Filtered f = safe.rankFiltered(Query.of("咳嗽"), 4);
        assertThat(f.ranking().herbs()).extracting(Herb::name).containsExactly("甘草", "麻黄", "桂枝", "杏仁");
        assertThat(f.removed()).hasSize(1);
        assertThat(f.removed().get(0).message()).isEqualTo("十八反 甘草 + 海藻: not to be combined [十八反:甘草-海藻]");
        assertThat(safe.name()).isEqualTo("Fixed+Safe");
    }

    @Test
    @DisplayName("asks again for more when the first list runs short")
    void asksAgain() {
        List<String> order = new ArrayList<>(List.of("甘草", "甘遂", "京大戟", "海藻", "芫花"));
        order.addAll(List.of("麻黄", "桂枝", "杏仁"));
        SafeHerbRanker safe = SafeHerbRanker.of(fixed(order), SafetyChecker.standard()
                .withKinds(SafeHerbRanker.PAIR_KINDS), 0, "S");
        assertThat(safe.rank(Query.of("咳嗽"), 3).herbs()).extracting(Herb::name)
                .containsExactly("甘草", "麻黄", "桂枝");
        assertThat(safe.rank(Query.of("咳嗽"), 10).herbs()).extracting(Herb::name)
                .containsExactly("甘草", "麻黄", "桂枝", "杏仁");
    }

    @Test
    @DisplayName("with pregnancy kinds, herbs forbidden in pregnancy are dropped too")
    void pregnancy() {
        SafetyChecker checker = SafetyChecker.standard().withKinds(EnumSet.of(RuleKind.EIGHTEEN_INCOMPATIBILITIES,
                RuleKind.PREGNANCY_FORBIDDEN));
        SafeHerbRanker safe = SafeHerbRanker.of(fixed(List.of("麝香", "桃仁", "麻黄")), checker);
        SafeHerbRanker.Filtered f = safe.rankFiltered(Query.of("咳嗽"), 3);
        assertThat(f.ranking().herbs()).extracting(Herb::name).containsExactly("桃仁", "麻黄");
        assertThat(f.removed()).extracting(SafetyFinding::message)
                .containsExactly("妊娠禁用 麝香: forbidden in pregnancy [妊娠禁用:麝香]");
    }

    @Test
    @DisplayName("rejects bad arguments by name")
    void arguments() {
        HerbRanker r = fixed(List.of("麻黄"));
        assertThatThrownBy(() -> SafeHerbRanker.of(r, SafetyChecker.standard(), -1, "S"))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("extra must not be negative, got -1");
        assertThatThrownBy(() -> SafeHerbRanker.of(r).rank(Query.of("咳嗽"), 0))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
