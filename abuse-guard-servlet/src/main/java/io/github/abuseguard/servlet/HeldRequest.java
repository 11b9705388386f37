package io.github.abuseguard.servlet;

import jakarta.servlet.DispatcherType;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;

/**
 * A request the tarpit held and then passes on to the application: the container delivers it in an
 * {@link DispatcherType#ASYNC ASYNC} dispatch, but no filter after this one has seen it yet, so to them it
 * is the request's first dispatch. Filters that skip async dispatches because they ran on the first one
 * (Spring's {@code OncePerRequestFilter}, so Spring Security's HTTP Basic) would otherwise never run for
 * it, and a right password would be answered 401.
 */
final class HeldRequest extends HttpServletRequestWrapper {

    /** Set on a held request just before the tarpit dispatches it on; taken off when it arrives. */
    static final String PASSED_ON_ATTRIBUTE = HeldRequest.class.getName() + ".passedOn";

    /**
     * Whether the dispatch that passes the request on is still under way. An application that goes async
     * in it (Spring MVC's {@code Callable}, {@code DeferredResult}) starts with this wrapper, which Tomcat
     * then hands to the next dispatch too: that one is an async dispatch again, to this filter included,
     * or the request would be evaluated, tarpitted and passed on again, forever.
     */
    private volatile boolean passingOn = true;

    private HeldRequest(HttpServletRequest request) {
        super(request);
    }

    /** Marks {@code request} as passed on by the tarpit, for {@link #arriving} to recognise. */
    static void passOn(ServletRequest request) {
        request.setAttribute(PASSED_ON_ATTRIBUTE, Boolean.TRUE);
    }

    /**
     * The request the filters after this one see for an async dispatch: a {@code HeldRequest} for the
     * dispatch that passes on a held request (once), the request itself for any other, such as the
     * application's own async processing.
     */
    static HttpServletRequest arriving(HttpServletRequest request) {
        if (request.getAttribute(PASSED_ON_ATTRIBUTE) == null) {
            return request;
        }
        request.removeAttribute(PASSED_ON_ATTRIBUTE);
        return new HeldRequest(request);
    }

    /** Ends the first dispatch of {@code request} if it is a {@code HeldRequest}: later ones are what they are. */
    static void passedOn(HttpServletRequest request) {
        if (request instanceof HeldRequest held) {
            held.passingOn = false;
        }
    }

    @Override
    public DispatcherType getDispatcherType() {
        return passingOn ? DispatcherType.REQUEST : super.getDispatcherType();
    }
}
