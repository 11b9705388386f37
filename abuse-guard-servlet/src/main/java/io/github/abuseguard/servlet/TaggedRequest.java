package io.github.abuseguard.servlet;

import jakarta.servlet.http.HttpServletRequest;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Enumeration;
import java.util.List;

/**
 * A request whose tag header holds what the engine found, or nothing: whatever the client sent in that
 * header is never visible to the application, so the application can trust the header.
 */
final class TaggedRequest extends WrappingRequest {
    private final String headerName;
    private final String value;

    TaggedRequest(HttpServletRequest request, String headerName, String value) {
        super(request);
        this.headerName = headerName;
        this.value = value;
    }

    private boolean isTagHeader(String name) {
        return headerName.equalsIgnoreCase(name);
    }

    @Override
    public String getHeader(String name) {
        return isTagHeader(name) ? value : super.getHeader(name);
    }

    @Override
    public Enumeration<String> getHeaders(String name) {
        if (isTagHeader(name)) {
            return value == null ? Collections.emptyEnumeration() : Collections.enumeration(List.of(value));
        }
        return super.getHeaders(name);
    }

    @Override
    public Enumeration<String> getHeaderNames() {
        List<String> names = new ArrayList<>();
        for (Enumeration<String> e = super.getHeaderNames(); e.hasMoreElements(); ) {
            String name = e.nextElement();
            if (!isTagHeader(name)) {
                names.add(name);
            }
        }
        if (value != null) {
            names.add(headerName);
        }
        return Collections.enumeration(names);
    }

    @Override
    public int getIntHeader(String name) {
        if (isTagHeader(name)) {
            if (value == null) {
                return -1; // absent, as the servlet API answers for any header
            }
            throw new NumberFormatException("the " + headerName + " header is not a number");
        }
        return super.getIntHeader(name);
    }

    @Override
    public long getDateHeader(String name) {
        return isTagHeader(name) ? -1 : super.getDateHeader(name);
    }
}
