package io.github.abuseguard;

import java.util.List;

/**
 * A request that counts how often its path is read (the first step of every look-up of a route's plan, and of
 * every rule matched against the request: route and rule plan tests) and how often its body is.
 */
final class PathReads implements GuardRequest {
    private final GuardRequest request;
    int reads;
    int bodyReads;

    PathReads(GuardRequest request) {
        this.request = request;
    }

    @Override
    public String method() {
        return request.method();
    }

    @Override
    public String path() {
        reads++;
        return request.path();
    }

    @Override
    public String route() {
        return request.route();
    }

    @Override
    public String targetOrigin() {
        return request.targetOrigin();
    }

    @Override
    public String header(String name) {
        return request.header(name);
    }

    @Override
    public List<String> headers(String name) {
        return request.headers(name);
    }

    @Override
    public List<String> headerNames() {
        return request.headerNames();
    }

    @Override
    public String queryParameter(String name) {
        return request.queryParameter(name);
    }

    @Override
    public ClientIdentity client() {
        return request.client();
    }

    @Override
    public String sessionId() {
        return request.sessionId();
    }

    @Override
    public String principal() {
        return request.principal();
    }

    @Override
    public RequestBody body() {
        bodyReads++;
        return request.body();
    }
}
