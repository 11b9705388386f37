package io.github.abuseguard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import org.junit.jupiter.api.Test;

class HeaderNamesTest {

    private final HeaderNames names = HeaderNames.of("Via", "X-Forwarded-For", "Forwarded");

    @Test
    void namesAreFoundWhateverTheirCase() {
        assertThat(names.indexOf("via")).isZero();
        assertThat(names.indexOf("x-FORWARDED-for")).isEqualTo(1);
        assertThat(names.indexOf("Forwarded")).isEqualTo(2);
    }

    @Test
    void otherNamesAreNotFound() {
        assertThat(names.indexOf("Vias")).isEqualTo(-1);
        assertThat(names.indexOf("X-Forwarded-Fox")).isEqualTo(-1);
        assertThat(names.indexOf("a-very-long-header-name-longer-than-any-in-the-set"))
                .isEqualTo(-1);
        assertThat(names.indexOf("")).isEqualTo(-1);
        assertThat(names.indexOf(null)).isEqualTo(-1);
    }

    @Test
    void aRequestReportsWhichOfTheNamesItCarriesAnEmptyValueIncluded() {
        GuardRequest request = GuardRequest.builder("GET", "/")
                .header("forwarded", "for=192.0.2.1")
                .header("Via", "")
                .build();

        assertThat(request.presentHeaders(names)).isEqualTo(0b101);
    }

    @Test
    void aSetIsBoundedAndHoldsOnlyDistinctTokens() {
        assertThatIllegalArgumentException().isThrownBy(HeaderNames::of);
        assertThatIllegalArgumentException().isThrownBy(() -> HeaderNames.of("Via", "VIA"));
        assertThatIllegalArgumentException().isThrownBy(() -> HeaderNames.of("Bad Name"));
        String[] tooMany = new String[HeaderNames.MAX_NAMES + 1];
        for (int i = 0; i < tooMany.length; i++) {
            tooMany[i] = "h" + i;
        }
        assertThatIllegalArgumentException().isThrownBy(() -> HeaderNames.of(tooMany));
    }
}
