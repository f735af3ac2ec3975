package org.tcmrx.eval.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("Tables")
class TablesTest {
    @Test
    @DisplayName("numbers have four decimals whatever the default locale")
    void number() {
        Locale saved = Locale.getDefault();
        try {
            Locale.setDefault(Locale.GERMANY);
            assertThat(Tables.number(0.123456)).isEqualTo("0.1235");
            assertThat(Tables.number(1)).isEqualTo("1.0000");
        } finally {
            Locale.setDefault(saved);
        }
    }

    @Test
    @DisplayName("text: label left, numbers right, rule under the header, no trailing spaces")
    void text() {
        String t = Tables.text(List.of("Name", "V"), List.of(List.of("a", "0.5"), List.of("longer", "12.25")));
        assertThat(t).isEqualTo(""
                + "Name        V\n"
                + "-------------\n"
                + "a         0.5\n"
                + "longer  12.25\n");
    }

    @Test
    @DisplayName("Markdown: alignment row by column kind, '|' escaped, ragged rows rejected")
    void markdown() {
        String md = Tables.markdown(List.of("A", "B", "C"), List.of(List.of("x|y", "z", "1")), 2);
        assertThat(md).isEqualTo("| A | B | C |\n|---|---|---:|\n| x\\|y | z | 1 |\n");
        assertThatThrownBy(() -> Tables.markdown(List.of("A", "B"), List.of(List.of("x")), 1))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("row has 1 cells, header 2");
        assertThatThrownBy(() -> Tables.text(List.of("A", "B"), List.of(List.of("x")))
                ).isInstanceOf(IllegalArgumentException.class).hasMessage("row has 1 cells, header 2");
    }
}
