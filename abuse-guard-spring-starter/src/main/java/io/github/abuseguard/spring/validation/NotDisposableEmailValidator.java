package io.github.abuseguard.spring.validation;

import io.github.abuseguard.email.DisposableDomains;
import jakarta.validation.ConstraintValidator;
import jakarta.validation.ConstraintValidatorContext;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;

/**
 * Validates {@link NotDisposableEmail}; Spring injects the application's {@link DisposableDomains} when it
 * has one. Like the guard, it refuses an address whose domain cannot be read as a domain name (no list can
 * be asked about it), with {@link NotDisposableEmail#unreadableDomainMessage()}, and one that names no public
 * mail domain, with {@link NotDisposableEmail#nonPublicDomainMessage()}, unless the constraint or the
 * application's {@code abuse-guard.email.require-public-domain: false} lets such domains through. While the e-mail
 * guard is in monitor mode it refuses nothing.
 */
public class NotDisposableEmailValidator implements ConstraintValidator<NotDisposableEmail, CharSequence> {

    @Autowired(required = false)
    private DisposableDomains domains;

    /**
     * The application's client resolver, which tells the site of the request being validated: a fresh domain's
     * mail-server look-ups spend that client's share of those in flight, as the guard's do (review59 F4).
     */
    @Autowired(required = false)
    private io.github.abuseguard.identity.ClientResolver clients;

    /**
     * The application's engine, whose mode for the e-mail guard the constraint follows: under {@code abuse-guard.mode:
     * monitor} or {@code abuse-guard.email.mode: monitor} (set at start-up or switched live) it refuses nothing, as the
     * guard refuses nothing then (user60 F4: the constraint still refused in monitor mode, so a dry run was none).
     */
    @Autowired(required = false)
    private io.github.abuseguard.AbuseGuard engine;

    /** The application's {@code abuse-guard.email.require-public-domain}, which the guard follows too (review43 F10). */
    @Value("${abuse-guard.email.require-public-domain:true}")
    private boolean publicDomainRequiredByTheApplication = true;

    private String unreadableDomainMessage = NotDisposableEmail.UNREADABLE_DOMAIN_MESSAGE;
    private boolean requirePublicDomain = true;
    private String nonPublicDomainMessage = NotDisposableEmail.NON_PUBLIC_DOMAIN_MESSAGE;
    private String uncheckedDomainMessage = NotDisposableEmail.UNCHECKED_DOMAIN_MESSAGE;
    private String noMailDomainMessage = NotDisposableEmail.NO_MAIL_DOMAIN_MESSAGE;

    @Override
    public void initialize(NotDisposableEmail constraint) {
        unreadableDomainMessage = constraint.unreadableDomainMessage();
        requirePublicDomain = constraint.requirePublicDomain() && publicDomainRequiredByTheApplication;
        nonPublicDomainMessage = constraint.nonPublicDomainMessage();
        uncheckedDomainMessage = constraint.uncheckedDomainMessage();
        noMailDomainMessage = constraint.noMailDomainMessage();
    }

    @Override
    public boolean isValid(CharSequence value, ConstraintValidatorContext context) {
        if (value == null || monitored()) {
            return true;
        }
        String address = value.toString();
        DisposableDomains lists = domains != null ? domains : DisposableDomains.bundled();
        DisposableDomains.Match match = lists.match(address, clientSite());
        if (match != null) {
            // a domain whose mail servers could not be looked up now is no disposable one: told so, as the guard does
            if (DisposableDomains.NULL_MX.equals(match.source())) {
                return invalid(context, noMailDomainMessage);
            }
            return DisposableDomains.MX_UNCHECKED.equals(match.source())
                    ? invalid(context, uncheckedDomainMessage)
                    : false;
        }
        if (DisposableDomains.hasUnreadableDomain(address)) {
            return invalid(context, unreadableDomainMessage);
        }
        if (requirePublicDomain && lists.namesNonPublicDomain(address)) {
            return invalid(context, nonPublicDomainMessage);
        }
        return true;
    }

    /** Whether the engine only reports the e-mail guard's refusals now (its mode, or the engine's, is monitor). */
    private boolean monitored() {
        if (engine == null) {
            return false;
        }
        for (io.github.abuseguard.Guard guard : engine.guards()) {
            if (guard instanceof io.github.abuseguard.email.DisposableEmailGuard) {
                return engine.modeOf(guard) == io.github.abuseguard.Mode.MONITOR;
            }
        }
        // no e-mail guard in the engine (no rule or annotation names a field): its property says
        return engine.mode() == io.github.abuseguard.Mode.MONITOR || "monitor".equalsIgnoreCase(emailMode.trim());
    }

    /** The application's {@code abuse-guard.email.mode}, for an engine without the e-mail guard. */
    @Value("${abuse-guard.email.mode:enforce}")
    private String emailMode = "enforce";

    /** The site of the servlet request being validated, or {@code null} outside one or without a resolver. */
    private @org.jspecify.annotations.Nullable String clientSite() {
        return clients != null && REQUESTS_KNOWN ? RequestSite.of(clients) : null;
    }

    /** Whether Spring Web's request holder and the Servlet API are there to tell the request; {@link RequestSite} is loaded only then. */
    private static final boolean REQUESTS_KNOWN = org.springframework.util.ClassUtils.isPresent(
                    "org.springframework.web.context.request.RequestContextHolder",
                    NotDisposableEmailValidator.class.getClassLoader())
            && org.springframework.util.ClassUtils.isPresent(
                    "jakarta.servlet.http.HttpServletRequest", NotDisposableEmailValidator.class.getClassLoader());

    private static boolean invalid(ConstraintValidatorContext context, String message) {
        context.disableDefaultConstraintViolation();
        context.buildConstraintViolationWithTemplate(message).addConstraintViolation();
        return false;
    }
}
