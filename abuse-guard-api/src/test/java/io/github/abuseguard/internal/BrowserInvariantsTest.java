package io.github.abuseguard.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.abuseguard.GuardRequest;
import org.junit.jupiter.api.Test;

class BrowserInvariantsTest {
    private static final String CHROME =
            "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 Chrome/126.0.0.0 Safari/537.36";

    private static GuardRequest.Builder request(String method) {
        return GuardRequest.builder(method, "/api/login").client("192.0.2.1");
    }

    @Test
    void aBrowserUserAgentPostingWithoutOriginBreaksThem() {
        assertThat(BrowserInvariants.broken(
                        request("POST").header("User-Agent", CHROME).build()))
                .isTrue();
        assertThat(BrowserInvariants.broken(request("DELETE")
                        .header("User-Agent", "mozilla/5.0 (X11)")
                        .build()))
                .isTrue();
    }

    @Test
    void fetchMetadataOnAnUnsafeMethodWithoutOriginBreaksThemWhateverTheUserAgent() {
        assertThat(BrowserInvariants.broken(request("PUT")
                        .header("User-Agent", "Shop/1.0")
                        .header("Sec-Fetch-Site", "same-origin")
                        .build()))
                .isTrue();
        assertThat(BrowserInvariants.broken(
                        request("PATCH").header("Sec-Fetch-Mode", "cors").build()))
                .isTrue();
    }

    @Test
    void anyOriginKeepsThemEvenNullUnderAStrictReferrerPolicy() {
        assertThat(BrowserInvariants.broken(request("POST")
                        .header("User-Agent", CHROME)
                        .header("Origin", "null")
                        .build()))
                .isFalse();
        assertThat(BrowserInvariants.broken(request("POST")
                        .header("User-Agent", CHROME)
                        .header("Sec-Fetch-Mode", "cors")
                        .header("Origin", "https://shop.example")
                        .build()))
                .isFalse();
    }

    @Test
    void aSameOriginReadCarriesNoOriginAndBreaksNothing() {
        assertThat(BrowserInvariants.broken(request("GET")
                        .header("User-Agent", CHROME)
                        .header("Sec-Fetch-Site", "same-origin")
                        .header("Sec-Fetch-Mode", "cors")
                        .build()))
                .isFalse();
        assertThat(BrowserInvariants.broken(
                        request("HEAD").header("User-Agent", CHROME).build()))
                .isFalse();
        assertThat(BrowserInvariants.broken(request("GET")
                        .header("Sec-Fetch-Site", "cross-site")
                        .header("Sec-Fetch-Mode", "no-cors")
                        .build()))
                .as("an image or script from another site is no CORS request")
                .isFalse();
    }

    @Test
    void aCorsReadFromAnotherOriginWithoutOriginBreaksThem() {
        assertThat(BrowserInvariants.broken(request("GET")
                        .header("Sec-Fetch-Site", "cross-site")
                        .header("Sec-Fetch-Mode", "cors")
                        .build()))
                .isTrue();
        assertThat(BrowserInvariants.broken(request("GET")
                        .header("Sec-Fetch-Site", "same-site")
                        .header("Sec-Fetch-Mode", "CORS")
                        .build()))
                .isTrue();
    }

    @Test
    void aClientThatClaimsNoBrowserOwesNoOrigin() {
        assertThat(BrowserInvariants.broken(request("POST")
                        .header("User-Agent", "Shop/4.2 CFNetwork/1410.0.3 Darwin/22.6.0")
                        .build()))
                .isFalse();
        assertThat(BrowserInvariants.broken(request("POST").build())).isFalse();
    }

    @Test
    void onlyARequestThatClaimsABrowserAndKeepsItsInvariantsIsCredibleAsOne() {
        assertThat(BrowserInvariants.credible(request("POST")
                        .header("User-Agent", CHROME)
                        .header("Accept-Language", "en-GB")
                        .header("Origin", "https://shop.example")
                        .build()))
                .isTrue();
        assertThat(BrowserInvariants.credible(request("GET")
                        .header("User-Agent", CHROME)
                        .header("Accept-Language", "en-GB")
                        .build()))
                .as("a same-origin read carries no Origin")
                .isTrue();
        assertThat(BrowserInvariants.credible(request("POST")
                        .header("User-Agent", CHROME)
                        .header("Origin", "https://shop.example")
                        .build()))
                .as("no Accept-Language")
                .isFalse();
        assertThat(BrowserInvariants.credible(request("POST")
                        .header("User-Agent", CHROME)
                        .header("Accept-Language", "en-GB")
                        .build()))
                .as("a browser's POST without Origin")
                .isFalse();
        for (String agent :
                new String[] {"x", "Shop/4.2 CFNetwork/1410.0.3 Darwin/22.6.0", "Dalvik/2.1.0", "Opera/9.80"}) {
            assertThat(BrowserInvariants.credible(request("GET")
                            .header("User-Agent", agent)
                            .header("Accept-Language", "en")
                            .header("Origin", "https://shop.example")
                            .build()))
                    .as(agent)
                    .isFalse();
        }
    }
}
