package io.github.abuseguard.configprocessor;

import javax.annotation.processing.SupportedAnnotationTypes;
import org.springframework.boot.configurationprocessor.ConfigurationMetadataAnnotationProcessor;

/**
 * Spring Boot's configuration processor, told that a settings record's defaults are written with
 * abuse-guard's {@code io.github.abuseguard.config.Default} (the api module may not name Spring's
 * {@code @DefaultValue}); everything else, descriptions from javadoc included, is Spring Boot's own. The
 * starter compiles with it instead of the plain processor.
 */
@SupportedAnnotationTypes("org.springframework.boot.context.properties.ConfigurationProperties")
public class SettingsMetadataProcessor extends ConfigurationMetadataAnnotationProcessor {

    @Override
    protected String defaultValueAnnotation() {
        return "io.github.abuseguard.config.Default";
    }
}
