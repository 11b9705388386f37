package io.github.abuseguard.spring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.abuseguard.PathPattern;
import io.github.abuseguard.origin.OriginRule;
import io.github.abuseguard.spring.annotation.RequireOrigin;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestMethod;
import org.springframework.web.bind.annotation.RestController;

class RequireOriginReaderTest {

    @RestController
    @RequestMapping("/cart")
    @RequireOrigin("https://shop.example")
    static class Cart {
        @RequestMapping(
                path = "/items",
                method = {RequestMethod.GET, RequestMethod.POST})
        String items() {
            return "";
        }

        @RequireOrigin(value = "https://partner.example", allowSameOrigin = false)
        @PostMapping("/share")
        String share() {
            return "";
        }
    }

    @RestController
    static class BadOrigin {
        @RequireOrigin("not an origin")
        @PostMapping("/x")
        String post() {
            return "";
        }
    }

    @RestController
    static class Plain {
        @GetMapping("/x")
        String get() {
            return "";
        }
    }

    private static List<String> origins(OriginRule rule) {
        return rule.allowedOrigins().stream().map(Object::toString).toList();
    }

    @Test
    void aClassAnnotationGivesEachHandlerARuleForItsUnsafeMethods() {
        OriginRule items =
                new RequireOriginReader().read(Handlers.of(Cart.class)).get(0);

        assertThat(items.patterns()).extracting(PathPattern::toString).containsExactly("/cart/items");
        assertThat(items.methods()).containsExactly("POST");
        assertThat(origins(items)).containsExactly("https://shop.example");
        assertThat(items.source()).isEqualTo("@RequireOrigin on Cart.items");
    }

    @Test
    void aMethodAnnotationReplacesTheClassAnnotation() {
        OriginRule share =
                new RequireOriginReader().read(Handlers.of(Cart.class)).get(1);

        assertThat(origins(share)).containsExactly("https://partner.example");
        assertThat(share.allowSameOrigin()).isFalse();
    }

    @Test
    void noAnnotationNoRule() {
        assertThat(new RequireOriginReader().read(Handlers.of(Plain.class))).isEmpty();
    }

    @Test
    void anOriginThatCannotMatchFailsStartUpNamingTheHandler() {
        assertThatThrownBy(() -> new RequireOriginReader().read(Handlers.of(BadOrigin.class)))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageStartingWith("@RequireOrigin on BadOrigin.post cannot work");
    }
}
