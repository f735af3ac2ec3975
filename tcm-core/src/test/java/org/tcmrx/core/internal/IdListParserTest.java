package org.tcmrx.core.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.lists;

import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.tcmrx.core.MalformedDataException;

@DisplayName("IdListParser")
class IdListParserTest {
    private static final List<String> NAMES = IntStream.range(0, 50).mapToObj(i -> "h" + i).toList();
    private static final IdListParser PARSER = new IdListParser("herb ids", "herb", "herb_mapping.txt", NAMES);

    @Test
    @DisplayName("distinct ids written with any run of spaces read back in order")
    void roundTrip() {
        qt().withFixedSeed(20240601L)
                .forAll(lists().of(integers().between(0, 49)).ofSizeBetween(1, 12), integers().between(1, 3))
                .checkAssert((ids, spaces) -> {
                    List<Integer> distinct = ids.stream().distinct().toList();
                    String gap = " ".repeat(spaces);
                    String text = gap + distinct.stream().map(String::valueOf).collect(Collectors.joining(gap)) + gap;
                    assertThat(Arrays.stream(PARSER.parse(text, "f", 1)).boxed().toList()).isEqualTo(distinct);
                });
    }

    @Test
    @DisplayName("a plus sign is not part of an id")
    void plusSign() {
        assertThatThrownBy(() -> PARSER.parse("+5", "f", 3))
                .isInstanceOf(MalformedDataException.class)
                .hasMessage("f:3: herb ids: '+5' is not an integer");
    }

    @Test
    @DisplayName("an empty mapping is a caller mistake")
    void emptyNames() {
        assertThatThrownBy(() -> new IdListParser("herb ids", "herb", "herb_mapping.txt", List.of()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("names must not be empty");
    }
}
