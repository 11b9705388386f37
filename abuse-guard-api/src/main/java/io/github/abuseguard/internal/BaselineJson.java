package io.github.abuseguard.internal;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonGenerator;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.core.ObjectReadContext;
import tools.jackson.core.ObjectWriteContext;
import tools.jackson.core.json.JsonFactory;

/**
 * The JSON of exported baselines, shared by the guards that learn them: one object of rules, each an
 * object of non-negative numbers or of further such objects. Every malformed input is an
 * {@link IllegalArgumentException} that says where.
 */
public final class BaselineJson {

    private static final JsonFactory JSON = new JsonFactory();

    private BaselineJson() {}

    /** The object {@code body} writes between its braces, as text. */
    public static String write(Consumer<JsonGenerator> body) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (JsonGenerator json = JSON.createGenerator(ObjectWriteContext.empty(), out)) {
            json.writeStartObject();
            body.accept(json);
            json.writeEndObject();
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    /**
     * Reads an object of objects: for each property {@code rule} hears its name and the parser, standing
     * at the start of its object value.
     *
     * @throws IllegalArgumentException if the text is not such an object, or has anything after it
     */
    public static void read(String exported, BiConsumer<String, JsonParser> rule) {
        Objects.requireNonNull(exported, "exported");
        try (JsonParser json = JSON.createParser(ObjectReadContext.empty(), exported)) {
            expect(json.nextToken(), JsonToken.START_OBJECT);
            while (json.nextToken() == JsonToken.PROPERTY_NAME) {
                String name = json.currentName();
                expect(json.nextToken(), JsonToken.START_OBJECT);
                rule.accept(name, json);
            }
            if (json.nextToken() != null) {
                throw new IllegalArgumentException("trailing content after the baselines");
            }
        } catch (JacksonException e) {
            throw new IllegalArgumentException("baselines are not valid JSON: " + e.getOriginalMessage());
        }
    }

    /**
     * The numbers of the object the parser stands in, up to its end, by field.
     *
     * @throws IllegalArgumentException for a field not in {@code fields}, a value that is not a number, or
     *     one outside 0 to {@code max}
     */
    public static Map<String, Double> numbers(JsonParser json, String at, Set<String> fields, double max) {
        Map<String, Double> values = new LinkedHashMap<>();
        while (json.nextToken() == JsonToken.PROPERTY_NAME) {
            String field = json.currentName();
            JsonToken value = json.nextToken();
            if (!fields.contains(field)) {
                throw new IllegalArgumentException("baseline '" + at + "' has unknown field '" + field + "'");
            }
            if (value != JsonToken.VALUE_NUMBER_INT && value != JsonToken.VALUE_NUMBER_FLOAT) {
                throw new IllegalArgumentException("baseline '" + at + "." + field + "' is not a number");
            }
            double number = json.getDoubleValue();
            if (!(number >= 0 && number <= max)) {
                throw new IllegalArgumentException(
                        "baseline '" + at + "." + field + "' must be between 0 and " + max + ", was " + number);
            }
            values.put(field, number);
        }
        return values;
    }

    /**
     * @throws IllegalArgumentException unless the parser found {@code expected}
     */
    public static void expect(JsonToken actual, JsonToken expected) {
        if (actual != expected) {
            throw new IllegalArgumentException("baselines: expected " + expected + " but found " + actual);
        }
    }
}
