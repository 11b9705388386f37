package io.github.abuseguard.spring;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.multipart.MultipartException;

/** An application that answers malformed multipart itself keeps its answer: the starter's comes last. */
@SpringBootTest(classes = OwnMultipartHandlerTest.App.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class OwnMultipartHandlerTest {

    @LocalServerPort
    int port;

    @Test
    void theApplicationsOwnMultipartHandlerAnswersBeforeTheStarter() throws Exception {
        HttpResponse<String> response = HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/anything"))
                                .header("Content-Type", "multipart/form-data")
                                .POST(HttpRequest.BodyPublishers.ofString("x"))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());

        assertThat(response.statusCode()).isEqualTo(422);
        assertThat(response.body()).isEqualTo("the application's own answer");
    }

    @Configuration(proxyBeanMethods = false)
    @EnableAutoConfiguration
    @Import(OwnAnswer.class)
    static class App {}

    @RestControllerAdvice
    static class OwnAnswer {
        @ExceptionHandler(MultipartException.class)
        ResponseEntity<String> multipart(MultipartException e) {
            return ResponseEntity.status(HttpStatus.UNPROCESSABLE_CONTENT).body("the application's own answer");
        }
    }
}
