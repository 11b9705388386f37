package io.github.abuseguard.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;
import static org.mockito.Mockito.withSettings;

import io.github.abuseguard.GuardRequest;
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

        assertThat(names.presentIn(request)).isEqualTo(0b101);
    }

    @Test
    void aRequestThatReadsItsHeadersInOnePassAnswersForItself() {
        GuardRequest request = mock(GuardRequest.class, withSettings().extraInterfaces(HeaderNames.Source.class));
        when(((HeaderNames.Source) request).presentHeaders(names)).thenReturn(0b010L);

        assertThat(names.presentIn(request)).isEqualTo(0b010);
        verify(request, never()).header(anyString());
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
