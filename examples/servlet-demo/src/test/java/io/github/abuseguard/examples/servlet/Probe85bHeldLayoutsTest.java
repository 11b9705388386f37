package io.github.abuseguard.examples.servlet;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * probe85b, what held (these pass): on the servlet demo (Jetty 12, default URI compliance), once {@code alice} has spent
 * her 5 logins a minute from one address, no path spelling Jetty routes to the login servlet and no body layout the
 * servlet reads as {@code alice} gets a sixth guess to the password check: {@code ;} parameters, encoded letters, the
 * absolute form, chunked bodies with extensions and trailers, a BOM, UTF-16/32, padding within the bound, escapes,
 * {@code Expect: 100-continue}, HTTP/1.0, two Content-Type fields, and seven logins pipelined on one connection.
 */
class Probe85bHeldLayoutsTest {

    private static final String JSON = "Content-Type: application/json\r\n";

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.ISO_8859_1);
    }

    private static byte[] cat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] part : parts) {
            out.writeBytes(part);
        }
        return out.toByteArray();
    }

    private static String login(String user) {
        return "{\"username\":\"" + user + "\",\"password\":\"wrong\"}";
    }

    private static byte[] post(String path, String headers, byte[] body) {
        return cat(
                bytes("POST " + path + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n" + headers + "Content-Length: "
                        + body.length + "\r\n\r\n"),
                body);
    }

    private static byte[] chunked(String headers, String... chunks) {
        StringBuilder request = new StringBuilder("POST /api/login HTTP/1.1\r\nHost: x\r\nConnection: close\r\n"
                + headers + "Transfer-Encoding: chunked\r\n\r\n");
        for (String chunk : chunks) {
            request.append(Integer.toHexString(chunk.length()))
                    .append(";ext=1\r\n")
                    .append(chunk)
                    .append("\r\n");
        }
        return bytes(request.append("0\r\nX-Trailer: t\r\n\r\n").toString());
    }

    /** Every status line's code in an answer, in order. */
    private static List<String> statuses(String answer) {
        List<String> codes = new ArrayList<>();
        Matcher m = Pattern.compile("HTTP/1\\.1 (\\d{3})").matcher(answer);
        while (m.find()) {
            codes.add(m.group(1));
        }
        return codes;
    }

    private static String exchange(int port, byte[] request) throws Exception {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(20_000);
            OutputStream out = socket.getOutputStream();
            out.write(request);
            out.flush();
            InputStream in = socket.getInputStream();
            return new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
        }
    }

    @Test
    void noSpellingOrLayoutGivesASixthGuessAtOneUser() throws Exception {
        Map<String, Function<String, byte[]>> variants = new LinkedHashMap<>();
        for (String path : List.of(
                "/api/login;x=1",
                "/api;a/login",
                "/api/%6cogin",
                "/api/login?x=%zz",
                "http://x/api/login",
                "/api/lo%67in;%2e%2e")) {
            variants.put("path " + path, user -> post(path, JSON, bytes(login(user))));
        }
        variants.put(
                "chunked",
                user -> chunked(JSON, login(user).substring(0, 5), login(user).substring(5)));
        variants.put(
                "UTF-8 BOM",
                user -> post(
                        "/api/login",
                        JSON,
                        cat(new byte[] {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF}, bytes(login(user)))));
        variants.put(
                "UTF-16LE with BOM",
                user -> post(
                        "/api/login",
                        "Content-Type: application/json; charset=UTF-16\r\n",
                        cat(new byte[] {(byte) 0xFF, (byte) 0xFE}, login(user).getBytes(StandardCharsets.UTF_16LE))));
        variants.put("UTF-16BE", user -> post("/api/login", JSON, login(user).getBytes(StandardCharsets.UTF_16BE)));
        variants.put("UTF-32BE", user -> post("/api/login", JSON, login(user).getBytes(Charset.forName("UTF-32BE"))));
        variants.put("60,000 spaces first", user -> post("/api/login", JSON, bytes(" ".repeat(60_000) + login(user))));
        variants.put(
                "escapes",
                user -> post(
                        "/api/login",
                        JSON,
                        bytes("{\"\\u0075sername\":\"\\u0061" + user.substring(1) + "\",\"password\":\"wrong\"}")));
        variants.put(
                "Expect: 100-continue",
                user -> post("/api/login", JSON + "Expect: 100-continue\r\n", bytes(login(user))));
        variants.put(
                "HTTP/1.0",
                user -> cat(
                        bytes("POST /api/login HTTP/1.0\r\nHost: x\r\n" + JSON + "Content-Length: "
                                + login(user).length() + "\r\n\r\n"),
                        bytes(login(user))));
        variants.put(
                "JSON then form Content-Type",
                user -> post(
                        "/api/login",
                        JSON + "Content-Type: application/x-www-form-urlencoded\r\n",
                        bytes("{\"username\":\"" + user + "\",\"password\":\"wrong\",\"z\":\"&username=fresh&\"}")));
        variants.put(
                "charset quoted",
                user -> post("/api/login", "Content-Type: application/json;charset=\"utf-8\"\r\n", bytes(login(user))));
        List<String> reached = new ArrayList<>();
        for (Map.Entry<String, Function<String, byte[]>> variant : variants.entrySet()) {
            ServletDemo demo = new ServletDemo(0).start();
            try {
                assertThat(statuses(exchange(demo.port(), variant.getValue().apply("bob"))))
                        .as(variant.getKey() + ": the servlet reads it")
                        .contains("401");
                for (int i = 0; i < 5; i++) {
                    assertThat(statuses(exchange(demo.port(), post("/api/login", JSON, bytes(login("alice"))))))
                            .containsExactly("401");
                }
                List<String> sixth =
                        statuses(exchange(demo.port(), variant.getValue().apply("alice")));
                if (sixth.contains("401")) {
                    reached.add(variant.getKey());
                }
            } finally {
                demo.stop();
            }
        }
        assertThat(reached)
                .as("layouts that gave alice a sixth guess within the minute")
                .isEmpty();
    }

    @Test
    void sevenPipelinedLoginsAreFiveGuesses() throws Exception {
        ServletDemo demo = new ServletDemo(0).start();
        try {
            StringBuilder pipelined = new StringBuilder();
            for (int i = 0; i < 7; i++) {
                String body = login("alice");
                pipelined
                        .append("POST /api/login HTTP/1.1\r\nHost: x\r\n")
                        .append(JSON)
                        .append(i == 6 ? "Connection: close\r\n" : "")
                        .append("Content-Length: ")
                        .append(body.length())
                        .append("\r\n\r\n")
                        .append(body);
            }
            assertThat(statuses(exchange(demo.port(), bytes(pipelined.toString()))))
                    .containsExactly("401", "401", "401", "401", "401", "429", "429");
        } finally {
            demo.stop();
        }
    }
}
