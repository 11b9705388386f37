package io.github.abuseguard.email;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * The addresses of one field (every value of a repeated field or an array, each possibly a list, a
 * source route or a percent hack) with the domains each names, read within a bound on the domains the
 * whole field may name ({@link DisposableDomains#MAX_DOMAINS}). The bound is counted as the addresses are
 * read, before any name is normalised or looked up, so a field that names more costs a linear scan of
 * its text and nothing else. Each distinct domain is looked up once per field, however often it is named.
 */
final class FieldAddresses {
    private final List<String> addresses;
    private final List<@Nullable String> deliveryDomains;
    private final List<List<String>> domains;
    private final Set<String> delivered;
    private final int named;
    /** What each domain's look-up found; kept only when the field names more than one domain. */
    private @Nullable Map<String, DisposableDomains.@Nullable Match> answers;

    private FieldAddresses(
            List<String> addresses,
            List<@Nullable String> deliveryDomains,
            List<List<String>> domains,
            Set<String> delivered,
            int named) {
        this.addresses = addresses;
        this.deliveryDomains = deliveryDomains;
        this.domains = domains;
        this.delivered = delivered;
        this.named = named;
    }

    /**
     * Reads the addresses of a field. Every domain named counts, readable or not: the one after the last
     * {@code @} of a plain address, and for an address in the wider syntax every domain {@link
     * EmailDomain#routes} finds (each {@code @} and each percent-hack hop, repeats too), plus its delivery
     * domain when the routes do not name it; an address with an {@code @} names at least one. An address
     * without {@code @} names none and costs one scan.
     *
     * @param values the field's values, in order
     * @param limit how many domains the field may name
     * @return the addresses, or {@code null} when they name more than {@code limit} domains
     */
    static @Nullable FieldAddresses read(List<String> values, int limit) {
        EmailDomain.Budget budget = new EmailDomain.Budget(limit);
        List<String> addresses = new ArrayList<>(values.size());
        List<@Nullable String> deliveryDomains = new ArrayList<>(values.size());
        List<List<String>> domains = new ArrayList<>(values.size());
        Set<String> delivered = new HashSet<>(4);
        int named = 0;
        for (String address : values) {
            String delivery = null;
            List<String> names = List.of();
            // An address without '@' names no domain: neither EmailDomain.of nor routes would find one.
            if (EmailDomain.hasAt(address)) {
                if (!EmailDomain.hasRoutes(address)) {
                    // charged before the name is read (EmailDomain.of reads at most 320 characters)
                    if (!budget.take()) {
                        return null;
                    }
                    delivery = EmailDomain.of(address);
                    if (delivery != null) {
                        names = List.of(delivery);
                    }
                } else {
                    EmailDomain.Budget before = budget.copy();
                    List<String> routes = EmailDomain.routes(address, budget);
                    if (routes == null) {
                        return null;
                    }
                    // Every '@' of the walk is charged; so is the delivery domain, before it is read when
                    // the walk named nothing (its '@' hidden in a comment), after it otherwise, when the
                    // walk did not name it too. Either way no address reads a name it has not paid for
                    // but its delivery domain, and only an address that paid for another.
                    boolean walkNamedNone = budget.sameAs(before);
                    if (walkNamedNone && !budget.take()) {
                        return null;
                    }
                    delivery = EmailDomain.of(address);
                    if (delivery != null) {
                        if (!routes.remove(delivery) && !walkNamedNone && !budget.take()) {
                            return null;
                        }
                        routes.add(0, delivery);
                    }
                    names = routes;
                }
            }
            addresses.add(address);
            deliveryDomains.add(delivery);
            domains.add(names);
            named += names.size();
            if (delivery != null) {
                delivered.add(delivery);
            }
        }
        return new FieldAddresses(addresses, deliveryDomains, domains, delivered, named);
    }

    /** How many addresses the field has. */
    int size() {
        return addresses.size();
    }

    /** The address as the client sent it. */
    String address(int index) {
        return addresses.get(index);
    }

    /** The address's domain after its last {@code @} ({@link EmailDomain#of}), or {@code null}. */
    @Nullable
    String deliveryDomain(int index) {
        return deliveryDomains.get(index);
    }

    /** Every domain the address names, its delivery domain first, each once. */
    List<String> domains(int index) {
        return domains.get(index);
    }

    /** Whether some address of the field would be delivered to the domain (so its mail servers may be asked). */
    boolean isDelivered(String domain) {
        return delivered.contains(domain);
    }

    /** Whether the domain was looked up already for this field. */
    boolean answered(String domain) {
        return answers != null && answers.containsKey(domain);
    }

    /** What the look-up of a domain found for this field, {@code null} for nothing; see {@link #answered}. */
    DisposableDomains.@Nullable Match answer(String domain) {
        return answers == null ? null : answers.get(domain);
    }

    /** Keeps what the look-up of a domain found, so that the field asks about it only once. */
    void answer(String domain, DisposableDomains.@Nullable Match match) {
        if (named > 1) {
            if (answers == null) {
                answers = new HashMap<>();
            }
            answers.put(domain, match);
        }
    }
}
