package io.github.abuseguard.servlet;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * {@code abuseGuard.fetch} in Node.js against a stubbed {@code fetch}: which refusals of a request make the script
 * prove again and retry it once. A refusal for want of a history does, and so does one the filter does not explain
 * ({@code responses.explain: false}), which may be one; a rate limit, or the application's own problem, does not.
 */
class ProofScriptRetryTest {

    @ParameterizedTest(name = "{0}")
    @CsvSource(
            delimiter = '|',
            value = {
                "under attack, explained | 429 | {\"type\":\"https://iana.org/assignments/http-problem-types#abnormal-usage-detected\",\"status\":429,\"guard\":\"failure\",\"reason\":\"under-attack\"} | 200 2",
                "not explained | 429 | {\"type\":\"https://iana.org/assignments/http-problem-types#abnormal-usage-detected\",\"status\":429,\"refused-by\":\"abuse-guard\"} | 200 2",
                "the application's IANA type | 429 | {\"type\":\"https://iana.org/assignments/http-problem-types#abnormal-usage-detected\",\"status\":429} | 429 1",
                "not explained, a type base | 403 | {\"type\":\"https://errors.example/refused\",\"status\":403,\"refused-by\":\"abuse-guard\"} | 200 2",
                "the application's look-alike | 403 | {\"type\":\"https://shop.example/problems/payment-refused\",\"status\":403} | 403 1",
                "a rate limit | 429 | {\"type\":\"https://iana.org/assignments/http-problem-types#quota-exceeded\",\"status\":429,\"guard\":\"rate-limit\",\"reason\":\"rate-limited\"} | 429 1",
                "the application's own problem | 403 | {\"type\":\"https://shop.example/problems/forbidden\",\"status\":403} | 403 1"
            })
    void aRefusalIsRetriedAfterANewProofOnlyWhenItMayBeForWantOfAHistory(
            String refusal, int status, String problem, String expected, @TempDir Path dir) throws Exception {
        Path script = dir.resolve("proof.js");
        try (InputStream in = AbuseGuardFilter.class.getResourceAsStream("proof.js")) {
            Files.write(script, in.readAllBytes());
        }
        Path harness = dir.resolve("page.js");
        Files.writeString(
                harness,
                String.join(
                        "\n",
                        "const fs = require('fs');",
                        "const [, , scriptPath, status, problem] = process.argv;",
                        "globalThis.document = { currentScript: { src: 'http://shop.example/abuse-guard/proof.js',"
                                + " getAttribute: () => null } };",
                        "globalThis.window = {};",
                        "let appCalls = 0;",
                        "globalThis.fetch = (input, init) => {",
                        "  const url = String(input);",
                        "  if (url.endsWith('/abuse-guard/proof')) {",
                        "    return Promise.resolve(init && init.method === 'POST'",
                        "      ? new Response(null, { status: 204 })",
                        "      : Response.json({ challenge: 'c', difficulty: 0 }));",
                        "  }",
                        "  appCalls++;",
                        "  return Promise.resolve(appCalls === 1",
                        "    ? new Response(problem, { status: Number(status),"
                                + " headers: { 'Content-Type': 'application/problem+json' } })",
                        "    : new Response('ok', { status: 200 }));",
                        "};",
                        "(0, eval)(fs.readFileSync(scriptPath, 'utf8'));",
                        "window.abuseGuard.ready.then(() => {",
                        "  const now = Date.now;",
                        "  Date.now = () => now() + 60000; // the proof is a minute old",
                        "  return window.abuseGuard.fetch('http://shop.example/api/page');",
                        "}).then(page => console.log(page.status + ' ' + appCalls), e => console.log('failed ' + e))",
                        "  .then(() => process.exit(0));")); // the renewal timer would keep node running
        Process node = new ProcessBuilder(
                        "node", harness.toString(), script.toString(), Integer.toString(status), problem)
                .redirectErrorStream(true)
                .start();
        assertThat(node.waitFor(60, TimeUnit.SECONDS)).as("node finished").isTrue();
        String output = new String(node.getInputStream().readAllBytes(), StandardCharsets.UTF_8);

        assertThat(output.trim())
                .as("the answer's status and the requests sent, %s", refusal)
                .isEqualTo(expected);
    }
}
