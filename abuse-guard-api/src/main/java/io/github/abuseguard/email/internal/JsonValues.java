package io.github.abuseguard.email.internal;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.core.ObjectReadContext;
import tools.jackson.core.json.JsonFactory;

/**
 * Reads a small JSON document into maps, lists, strings, numbers and booleans, with a bound on the
 * nesting depth and on the number of values, so a notification cannot make us build a huge tree.
 */
final class JsonValues {
    private static final JsonFactory JSON = new JsonFactory();
    private static final int MAX_DEPTH = 16;
    private static final int MAX_VALUES = 20_000;

    /** A document that is not the JSON we accept. */
    static final class MalformedException extends Exception {
        MalformedException(String message) {
            super(message, null, false, false);
        }
    }

    private int values;

    private JsonValues() {}

    /** The document's top-level object. */
    static Map<String, Object> object(String document) throws MalformedException {
        try (JsonParser parser = JSON.createParser(ObjectReadContext.empty(), document)) {
            JsonValues reader = new JsonValues();
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                throw new MalformedException("the body must be a JSON object");
            }
            Map<String, Object> object = reader.readObject(parser, 1);
            if (parser.nextToken() != null) {
                throw new MalformedException("the body holds more than one JSON value");
            }
            return object;
        } catch (JacksonException e) {
            throw new MalformedException("the body is not valid JSON");
        }
    }

    private Object read(JsonParser parser, JsonToken token, int depth) throws MalformedException {
        if (++values > MAX_VALUES) {
            throw new MalformedException("the body holds more than " + MAX_VALUES + " values");
        }
        return switch (token) {
            case START_OBJECT -> readObject(parser, depth + 1);
            case START_ARRAY -> readArray(parser, depth + 1);
            case VALUE_STRING -> parser.getString();
            case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> parser.getNumberValue();
            case VALUE_TRUE -> Boolean.TRUE;
            case VALUE_FALSE -> Boolean.FALSE;
            case VALUE_NULL -> null;
            default -> throw new MalformedException("unexpected " + token);
        };
    }

    private Map<String, Object> readObject(JsonParser parser, int depth) throws MalformedException {
        checkDepth(depth);
        Map<String, Object> object = new LinkedHashMap<>();
        JsonToken token;
        while ((token = parser.nextToken()) == JsonToken.PROPERTY_NAME) {
            String name = parser.currentName();
            if (object.containsKey(name)) {
                // two values of one field would let a signed one and a read one differ
                throw new MalformedException("the field '" + name + "' appears twice");
            }
            object.put(name, read(parser, parser.nextToken(), depth));
        }
        if (token != JsonToken.END_OBJECT) {
            throw new MalformedException("unexpected " + token);
        }
        return object;
    }

    private List<Object> readArray(JsonParser parser, int depth) throws MalformedException {
        checkDepth(depth);
        List<Object> array = new ArrayList<>();
        JsonToken token;
        while ((token = parser.nextToken()) != JsonToken.END_ARRAY) {
            if (token == null) {
                throw new MalformedException("the body ends inside an array");
            }
            array.add(read(parser, token, depth));
        }
        return array;
    }

    private static void checkDepth(int depth) throws MalformedException {
        if (depth > MAX_DEPTH) {
            throw new MalformedException("the body nests deeper than " + MAX_DEPTH + " levels");
        }
    }
}
