package io.github.abuseguard.spring;

import io.github.abuseguard.spring.annotation.VolumeLimit;
import io.github.abuseguard.volume.DistinctRule;
import io.github.abuseguard.volume.OnlyReads;
import io.github.abuseguard.volume.RateBaseline;
import io.github.abuseguard.volume.UnderScrape;
import java.util.ArrayList;
import java.util.List;
import org.springframework.core.annotation.AnnotatedElementUtils;

/**
 * Reads {@link VolumeLimit} on handler methods: one volume rule per annotated handler, for its routes and
 * methods, named after the handler unless the annotation names it.
 */
final class VolumeLimitReader implements AnnotationReader<DistinctRule> {

    @Override
    public List<DistinctRule> read(ControllerHandlers controller) {
        List<DistinctRule> rules = new ArrayList<>();
        for (HandlerRoute handler : controller.handlers()) {
            VolumeLimit annotation = AnnotatedElementUtils.findMergedAnnotation(handler.method(), VolumeLimit.class);
            if (annotation == null) {
                continue;
            }
            String name = annotation.name().isEmpty() ? handler.baseName() : annotation.name();
            rules.add(AnnotationReader.building("VolumeLimit", handler.where(), () -> rule(annotation, name, handler)));
        }
        return rules;
    }

    private static DistinctRule rule(VolumeLimit annotation, String name, HandlerRoute handler) {
        // a misspelt body field counts the route as one resource, or keys by the address alone (user65 F2)
        UnboundBodyFields.check(handler, "VolumeLimit", "key", annotation.key());
        UnboundBodyFields.check(handler, "VolumeLimit", "resource", annotation.resource());
        DistinctRule.Builder builder = handler.keyedScope(
                AnnotationReader.attribute("name", () -> DistinctRule.builder(name)), "VolumeLimit", annotation.key());
        AnnotationReader.attribute("maxDistinct", () -> builder.maxDistinct(annotation.maxDistinct()));
        if (!annotation.resource().isEmpty()) {
            AnnotationReader.attribute("resource", () -> builder.resource(annotation.resource()));
        }
        AnnotationReader.attribute(
                "window", () -> builder.window(AnnotationReader.duration("window", annotation.window())));
        builder.action(annotation.action());
        AnnotationReader.attribute("score", () -> builder.score(annotation.score()));
        if (annotation.underScrape()) {
            builder.underScrape(UnderScrape.defaults());
        }
        if (annotation.rateBaseline()) {
            builder.rateBaseline(RateBaseline.defaults());
        }
        if (annotation.onlyReads()) {
            builder.onlyReads(OnlyReads.defaults());
        }
        return builder.build();
    }
}
