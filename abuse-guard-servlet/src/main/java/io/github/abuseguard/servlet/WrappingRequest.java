package io.github.abuseguard.servlet;

import jakarta.servlet.AsyncContext;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;

/**
 * A request this filter hands the application in place of the container's, which stays the request
 * through the application's own async processing: the no-argument {@code startAsync()} of a plain wrapper
 * starts async processing with the container's request, so {@code AsyncContext.getRequest()} and the
 * {@code ASYNC} dispatch that {@code dispatch()} asks for would carry the container's request, whose body
 * the guard has read, and the application would find it empty. Here it starts it with this request and
 * the response the filter passed on, as {@code startAsync(request, response)} does.
 */
abstract class WrappingRequest extends HttpServletRequestWrapper {
    private ServletResponse response;

    WrappingRequest(HttpServletRequest request) {
        super(request);
    }

    /**
     * The container's request as it is, wrapped only so that the application's own {@code startAsync()} answers through
     * the response the filter passes on (probe73a F3, stop 69: a servlet answering a step asynchronously wrote past the
     * commit watcher, and the step was heard only when the exchange ended).
     */
    static WrappingRequest passingOn(HttpServletRequest request, ServletResponse response) {
        WrappingRequest wrapped = new WrappingRequest(request) {};
        wrapped.passedOnWith(response);
        return wrapped;
    }

    /** The response the filter passes on with this request; {@code startAsync()} starts with both. */
    final void passedOnWith(ServletResponse response) {
        this.response = response;
    }

    @Override
    public AsyncContext startAsync() {
        return response == null ? super.startAsync() : startAsync(this, response);
    }
}
