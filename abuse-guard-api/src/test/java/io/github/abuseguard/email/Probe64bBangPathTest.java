package io.github.abuseguard.email;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * probe64b F1: a UUCP bang path ({@code host!user@relay}) is the percent hack's older twin: Postfix
 * ({@code swap_bangpath = yes}, its default) and sendmail rewrite {@code site!user} to {@code user@site}
 * once the relay is local, so the address delivers through {@code site}. The percent hop is judged, the
 * bang hop was not: 11 of 11 such sign-ups opened accounts on the demo.
 */
class Probe64bBangPathTest {
    private final DisposableDomains bundled = DisposableDomains.bundled();

    @ParameterizedTest(name = "bang-path hop judged: {0}")
    @ValueSource(
            strings = {
                "mailinator.com!bot@gmail.com",
                "yopmail.com!bot@gmail.com",
                "x.mailinator.com!bot@gmail.com",
                "gmail.com!yopmail.com!bot@gmail.com",
                "maildrop.cc!bot@victim-shop.com",
            })
    void aBangPathHopAtAListedDomainIsCaughtAsAPercentHackHopIs(String address) {
        // the control: the percent hack naming the same hop is caught today
        String route = address.substring(0, address.lastIndexOf('!'));
        String hop = route.substring(route.lastIndexOf('!') + 1);
        assertThat(bundled.isDisposable("bot%" + hop + "@gmail.com"))
                .as("control")
                .isTrue();
        assertThat(bundled.isDisposable(address)).as(address).isTrue();
    }

    @ParameterizedTest(name = "a '!' in a local part of a real address: {0}")
    @ValueSource(
            strings = {"wow!ann@gmail.com", "a!b!c@gmail.com", "ann!@gmail.com", "!ann@gmail.com", "x.y!ann@gmail.com"})
    void aBangInARealAddressIsNoThrowAwayHop(String address) {
        assertThat(bundled.isDisposable(address)).as(address).isFalse();
        assertThat(bundled.namesNonPublicDomain(address))
                .as("a one-label name before a '!' is no domain the address names")
                .isFalse();
    }

    @ParameterizedTest(name = "bang and percent hops together: {0}")
    @ValueSource(strings = {"yopmail.com!bot%gmail.com@gmail.com", "gmail.com!bot%yopmail.com@gmail.com"})
    void bangAndPercentHopsTogetherAreEachJudged(String address) {
        assertThat(bundled.isDisposable(address)).as(address).isTrue();
    }
}
