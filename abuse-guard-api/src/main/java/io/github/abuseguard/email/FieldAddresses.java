package io.github.abuseguard.email;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * The addresses of one field (every value of a repeated field or an array, each possibly a list, a
 * source route or a percent hack) with the domains each names, read within two bounds: at most {@link
 * DisposableDomains#MAX_DOMAINS} different domains, and at most {@link DisposableDomains#MAX_DOMAINS_NAMED}
 * domains in all, repeats included.
 *
 * <p>The field is read in two passes. The first walks its text as a mail parser reads it (comments and
 * quoted strings hidden, folding white space dropped: {@link EmailDomain#parsed}) and counts: every domain
 * named (the text after each {@code @} up to the next delimiter, each percent-hack hop) takes one from the
 * total before anything else is done with it, and is then compared with the spellings met so far, with
 * ASCII case ignored; a new spelling takes one from the distinct bound. So {@code u@acme.com (User 3)} and
 * {@code "User" <u@acme.com>} name the spelling of {@code u@acme.com}, and the domains counted are the
 * domains looked up. A field over either bound is refused after this pass
 * ({@link #excess()}), having cost a linear scan of its text and nothing else: no name normalised, none
 * looked up. The second pass normalises each distinct spelling once (NFKC, IDN), however often the field
 * names it, and each normalised domain is looked up at most once per field ({@link #answer}). So what a
 * client sends costs at most {@code MAX_DOMAINS} normalisations and store look-ups per field, and a repeat
 * costs a hash and a comparison of its own text, never a normalisation or a look-up.
 *
 * <p>Two spellings of one domain ({@code acme.com} and {@code acme.com.}, a full-width letter, an IDN in
 * Unicode and in punycode) count twice against the distinct bound, which only errs towards refusing; they
 * normalise to one domain, looked up once.
 */
final class FieldAddresses {
    /** The bound a field's addresses went over. */
    enum Excess {
        /** More than {@link DisposableDomains#MAX_DOMAINS} different spellings of domains. */
        DISTINCT_DOMAINS,
        /** More than {@link DisposableDomains#MAX_DOMAINS_NAMED} domains named, repeats included. */
        DOMAINS_NAMED
    }

    private static final int NONE = -1;
    private static final int NO_ADDRESS = -2;
    /**
     * How many times over a hop is read out of quotes. Postfix's internal form of an address (its quotes removed,
     * escapes resolved) is tokenised again by its resolver, so a hop quoted once more as Postfix itself quotes a local
     * part ({@code "bot%\"mailinator.com\""@z}: review102 F1) resolves as the plain hop; each level doubles the
     * backslashes that write it, and each reading is one linear pass.
     */
    private static final int DEQUOTED_LEVELS = 4;

    /**
     * Spellings are hashed as polynomials modulo this prime, at a base drawn when the class is loaded: a
     * client cannot choose texts that hash alike (as it can for {@link String#hashCode}, {@code "aa"} and
     * {@code "c#"}), so a repeat is compared in full with one earlier spelling, not with every one of the
     * same hash. With {@code 31 * h + c} 31 crafted spellings made each repeat of a 56 KB field compare
     * with all of them (2.1 ms); now it costs what repeating one spelling costs (0.8 ms, JSON parse 0.25).
     */
    private static final long MODULUS = (1L << 61) - 1;

    private static final long BASE =
            256 + java.util.concurrent.ThreadLocalRandom.current().nextLong(MODULUS - 512);

    private final int maxDistinct;
    private int left;

    /**
     * Whether the walk under way is of a careless reading, whose names are not charged to {@link #left}: its work is
     * linear in the value, and its spellings still count towards the distinct bound.
     */
    private boolean uncharged;

    /** The names the careless reading under way made, and the most any careless reading of the value made. */
    private int readingNames;

    private int carelessMost;

    private @Nullable Excess excess;

    // Per address with an '@' (each took at least one name, so there are at most maxNamed): the spelling
    // of its delivery domain, and as bit sets over the spellings every domain it names and those named
    // after an '@' (whose unreadability makes it unreadable).
    private int size;
    private int[] delivery;
    /** Each address's value as sent, for the domains a careless application delivers to ({@link CarelessDomains}). */
    private String[] values;

    private long[] names;
    private long[] afterAt;

    // Per distinct spelling: where its first occurrence is, its hash, and once read, its normalised name.
    private int spellings;
    private @Nullable String[] texts;
    private int[] froms;
    private int[] tos;
    private long[] hashes;
    private @Nullable String[] normalised;

    /**
     * Per spelling, its IDNA2003 reading where it differs ({@link EmailDomain#transitionalTwin}); {@code null} while no
     * spelling has one, as for nearly every field.
     */
    private @Nullable String @Nullable [] twins;

    private boolean[] unreadable;
    private boolean[] nonPublic;
    /** Whether each spelling names a host by its address ({@link EmailDomain#namesAnAddress}), as a hop may. */
    private boolean[] addressNamed;
    /** When the field's mail-server look-ups stop waiting, on the check's clock; set by the first that asks. */
    private long mxDeadline;

    private boolean mxDeadlineSet;

    /** What the last {@link #walk} named: every spelling, and those after an {@code @}. */
    private long walkNamed;

    private long walkNamedAfterAt;

    /** What each domain's look-up found; kept only when the field may name a domain twice. */
    private @Nullable Map<String, DisposableDomains.@Nullable Match> answers;

    private @Nullable Map<String, Boolean> bans;
    private boolean bansLookedUp;

    private FieldAddresses(int values, int maxDistinct, int maxNamed) {
        if (maxDistinct < 1 || maxDistinct > Long.SIZE || maxNamed < 1) {
            throw new IllegalArgumentException("bounds " + maxDistinct + ", " + maxNamed);
        }
        this.maxDistinct = maxDistinct;
        this.left = maxNamed;
        int addresses = Math.min(values, maxNamed);
        this.delivery = new int[addresses];
        this.values = new String[addresses];
        this.names = new long[addresses];
        this.afterAt = new long[addresses];
        int capacity = Math.min(maxDistinct, 4);
        this.texts = new String[capacity];
        this.froms = new int[capacity];
        this.tos = new int[capacity];
        this.hashes = new long[capacity];
    }

    /** The addresses of a field within {@link DisposableDomains#MAX_DOMAINS} and {@link DisposableDomains#MAX_DOMAINS_NAMED}. */
    static FieldAddresses read(List<String> values) {
        return read(values, DisposableDomains.MAX_DOMAINS, DisposableDomains.MAX_DOMAINS_NAMED);
    }

    /**
     * Reads the addresses of a field. Every domain named counts, readable or not: the domain after each
     * {@code @} as a mail parser reads the value (see {@link EmailDomain#parsed}: each address of a list or
     * group, each domain of a source route, each {@code @} of {@code a@b@c}) and each hop of a percent hack,
     * which open relays still forward hop by hop ({@code a%x.example%z.example@y.example} names y.example,
     * z.example and x.example). A value without {@code @}, or whose every {@code @} is inside a comment or
     * quoted string ({@code "a@x"}, {@code Ann (a@x)}), is no address: it names none and costs one scan.
     *
     * @param values the field's values, in order
     * @param maxDistinct how many different spellings of domains the field may name (at most 64)
     * @param maxNamed how many domains the field may name in all, repeats included
     * @return the addresses; when they name more than either bound, {@link #excess()} says which and there
     *     are none
     */
    static FieldAddresses read(List<String> values, int maxDistinct, int maxNamed) {
        FieldAddresses field = new FieldAddresses(values.size(), maxDistinct, maxNamed);
        for (String address : values) {
            if (!field.readValue(address)) {
                field.size = 0;
                return field;
            }
        }
        field.normaliseSpellings();
        return field;
    }

    /**
     * Counts the domains of one value; {@code false} when the field names too many. The value is read as a
     * mail parser reads it ({@link EmailDomain#parsed}: comments and quoted strings hidden, folding white
     * space dropped), so {@code u@acme.com (User 3)}, {@code "User" <u@acme.com>} and {@code u@(x)acme.com}
     * name the spelling {@code acme.com} that {@code u@acme.com} names, and what a comment or quoted string
     * holds names nothing. A value whose every {@code @} is inside them is no address, as one without
     * {@code @}. Each domain after an {@code @} ends at the next {@linkplain EmailDomain#isDelimiter
     * delimiter}, without the invisible characters before it. Linear in the length of the value: parsing
     * reads each character at most twice whatever the comments' nesting, quotes and escapes, and the walk
     * reads each segment once forwards and once back for percent-hack hops.
     */
    private boolean readValue(String value) {
        // A value without '@' names no domain.
        if (!EmailDomain.hasAt(value)) {
            return true;
        }
        // What a careless application would deliver to is named too, erring towards refusal: the domain
        // after the last '@' with its quotes and brackets stripped (a@"mailinator.com"), the address with
        // a Turkish locale's i (a@MAİLİNATOR.COM), the address cut at its Unicode spaces
        // (a@mailinator.com\u00A0x, which an application that splits at them delivers to mailinator.com),
        // the address without its ASCII controls (a@mailinator.c\u0001om, probe43a F3), and the address as
        // Postfix resolves it, inside its quotes, escapes and comments ("bot%mailinator.com"@relay, probe65a F1).
        // Only the parser's reading decides the delivery domain and whether the address is unreadable, and only its
        // names are charged to the field's count: the careless readings name again what it names, each in work linear
        // in the value, and their spellings still count towards the distinct bound (review100 F5: a field of display
        // names, "User 3" <u3@acme.com>, held 513 addresses, then 342, where README says 1,024).
        uncharged = true;
        carelessMost = 0;
        long carelesslyNamed;
        try {
            carelesslyNamed = carelessNames(value);
        } finally {
            uncharged = false;
        }
        int before = left;
        if (excess != null || !readParsed(value, carelesslyNamed)) {
            return false;
        }
        // the value is charged the most names any one reading of it made: a reading that names more than the
        // parser's (Postfix's, inside quotes: review101 F4) still counts towards the field's 1,024
        int extra = carelessMost - (before - left);
        if (extra > 0) {
            if (extra > left) {
                excess = Excess.DOMAINS_NAMED;
                return false;
            }
            left -= extra;
        }
        return true;
    }

    /** The names of the careless readings of {@code value}; 0 when the field names too many ({@link #excess} set). */
    private long carelessNames(String value) {
        long carelesslyNamed = 0;
        String stripped = EmailDomain.strippedDomainReading(value);
        if (stripped != null) {
            if (walk(stripped) == NONE) {
                return 0;
            }
            carelesslyNamed = walkNamed;
        }
        String controlFree = EmailDomain.controlFreeReading(value);
        String[] readings = {
            EmailDomain.dotlessReading(value),
            EmailDomain.spacedReading(value),
            controlFree,
            EmailDomain.strippedHopsReading(value)
        };
        for (String reading : readings) {
            if (reading != null) {
                if (walk(EmailDomain.hasRoutes(reading) ? EmailDomain.parsed(reading) : reading) == NONE) {
                    return 0;
                }
                carelesslyNamed |= walkNamed;
            }
        }
        // Postfix's readings of the value, and of the value without its controls (review100 F2:
        // "bot%mailinator.c\u0001om"@z)
        for (String quoted : new String[] {value, controlFree}) {
            for (int level = 0; quoted != null && level < DEQUOTED_LEVELS; level++) {
                String reading = EmailDomain.dequotedReading(quoted);
                if (reading == null || reading.equals(quoted)) {
                    break;
                }
                if (walk(EmailDomain.hasRoutes(reading) ? EmailDomain.parsed(reading) : reading) == NONE) {
                    return 0;
                }
                carelesslyNamed |= walkNamed;
                quoted = reading;
            }
        }
        return carelesslyNamed;
    }

    /** Reads {@code value} as a mail parser does, its careless readings having named {@code carelesslyNamed}. */
    private boolean readParsed(String value, long carelesslyNamed) {
        String text = EmailDomain.hasRoutes(value) ? EmailDomain.parsed(value) : value;
        int deliverySpelling = walk(text);
        if (deliverySpelling == NO_ADDRESS && text != value) {
            // Every '@' is inside a comment or quoted string ("bot@x.example", Ann (bot@x.example)): a mail
            // parser finds no address, but an application that strips the quotes or brackets would deliver
            // to the domain inside. Erring towards refusal, the value as sent names it.
            deliverySpelling = walk(value);
        }
        if (deliverySpelling == NONE) {
            return false;
        }
        if (deliverySpelling == NO_ADDRESS) {
            return true;
        }
        delivery[size] = deliverySpelling;
        values[size] = value;
        names[size] = walkNamed | carelesslyNamed;
        afterAt[size] = walkNamedAfterAt;
        size++;
        return true;
    }

    /**
     * Walks one reading of a value: the domain after each {@code @} up to the next delimiter, and each
     * percent-hack hop ({@code a%x@z}) and bang-path hop ({@code x!a@z}, probe64b F1) before it. Leaves the spellings named in {@link #walkNamed} (all) and {@link
     * #walkNamedAfterAt} (those after an {@code @}).
     *
     * @return the spelling after the last {@code @} (the delivery domain), {@link #NO_ADDRESS} when the text
     *     has no {@code @}, or {@link #NONE} when the field names too many
     */
    private int walk(String text) {
        readingNames = 0;
        long named = 0;
        long namedAfterAt = 0;
        int deliverySpelling = NO_ADDRESS;
        for (int at = 0; at < text.length(); at++) {
            if (!EmailDomain.isAt(text.charAt(at))) {
                continue;
            }
            int domainEnd = at + 1;
            while (domainEnd < text.length() && !EmailDomain.isDelimiter(text.charAt(domainEnd))) {
                domainEnd++;
            }
            int spelling = name(text, at + 1, EmailDomain.visibleEnd(text, at + 1, domainEnd));
            if (spelling == NONE) {
                return NONE;
            }
            namedAfterAt |= 1L << spelling;
            // the domain after the last '@' is where the address is delivered
            deliverySpelling = spelling;
            // Every '%'-separated hop back to the previous delimiter only (an '@' is one), and every
            // '!'-separated one but the last segment (the user), each segment read once, so the whole walk
            // stays linear.
            int segmentEnd = at;
            int bangEnd = -1;
            int i = at - 1;
            for (; i >= 0; i--) {
                if (text.charAt(i) == ']') {
                    // an address literal in a hop is one segment, its colons no delimiters (probe71d F1:
                    // bot%[IPv6:2001:db8::1]@z); sought back a literal's length at most, so the walk stays linear
                    // (review124 F1: a search to the start made a value of many ']' quadratic)
                    int open = -1;
                    for (int j = i - 1; j >= Math.max(0, i - MAX_LITERAL); j--) {
                        if (text.charAt(j) == '[') {
                            open = j;
                            break;
                        }
                    }
                    if (open >= 0) {
                        i = open;
                        continue;
                    }
                }
                if (EmailDomain.isDelimiter(text.charAt(i))) {
                    break;
                }
                if (EmailDomain.isBang(text.charAt(i))) {
                    if (bangEnd >= 0) {
                        int hop = name(text, i + 1, bangEnd);
                        if (hop == NONE) {
                            return NONE;
                        }
                        named |= 1L << hop;
                    }
                    bangEnd = i;
                    continue;
                }
                if (EmailDomain.isPercent(text.charAt(i))) {
                    int hop = name(text, i + 1, segmentEnd);
                    if (hop == NONE) {
                        return NONE;
                    }
                    named |= 1L << hop;
                    segmentEnd = i;
                }
            }
            if (bangEnd > i + 1) {
                int hop = name(text, i + 1, bangEnd);
                if (hop == NONE) {
                    return NONE;
                }
                named |= 1L << hop;
            }
        }
        walkNamed = named | namedAfterAt;
        walkNamedAfterAt = namedAfterAt;
        if (uncharged) {
            carelessMost = Math.max(carelessMost, readingNames);
        }
        return deliverySpelling;
    }

    /** The longest address literal a hop is read as one segment for: {@code [IPv6:} and a full IPv6 address. */
    private static final int MAX_LITERAL = 64;

    /** Takes one name from the total, then finds or adds its spelling; {@link #NONE} when over a bound. */
    private int name(String text, int from, int to) {
        return take() ? spelling(text, from, to) : NONE;
    }

    private boolean take() {
        if (uncharged) {
            readingNames++;
            return true;
        }
        if (left == 0) {
            excess = Excess.DOMAINS_NAMED;
            return false;
        }
        left--;
        return true;
    }

    /**
     * The index of a spelling, the text between {@code from} and {@code to} with ASCII case ignored, added
     * when new; {@link #NONE} when it would be one more than the field may name. Costs a hash of the text
     * and a comparison with the earlier spelling of the same hash and length, if any; never a normalisation.
     */
    private int spelling(String text, int from, int to) {
        long hash = 0;
        for (int i = from; i < to; i++) {
            hash = times(hash, BASE) + lowerAscii(text.charAt(i));
        }
        hash = reduce(hash);
        for (int s = 0; s < spellings; s++) {
            if (hashes[s] == hash && tos[s] - froms[s] == to - from && sameIgnoringAsciiCase(s, text, from)) {
                return s;
            }
        }
        if (spellings == maxDistinct) {
            excess = Excess.DISTINCT_DOMAINS;
            return NONE;
        }
        if (spellings == texts.length) {
            int capacity = Math.min(maxDistinct, spellings * 2);
            texts = Arrays.copyOf(texts, capacity);
            froms = Arrays.copyOf(froms, capacity);
            tos = Arrays.copyOf(tos, capacity);
            hashes = Arrays.copyOf(hashes, capacity);
        }
        texts[spellings] = text;
        froms[spellings] = from;
        tos[spellings] = to;
        hashes[spellings] = hash;
        return spellings++;
    }

    private boolean sameIgnoringAsciiCase(int spelling, String text, int from) {
        String known = java.util.Objects.requireNonNull(texts[spelling]);
        int offset = froms[spelling] - from;
        for (int i = from; i < from + (tos[spelling] - froms[spelling]); i++) {
            char a = known.charAt(i + offset);
            char b = text.charAt(i);
            if (a != b && lowerAscii(a) != lowerAscii(b)) {
                return false;
            }
        }
        return true;
    }

    /**
     * {@code a * b} modulo {@link #MODULUS}, for {@code a} below {@code 2^62} and {@code b} below the
     * modulus: a result below the modulus, to which a character can be added without reducing again.
     */
    private static long times(long a, long b) {
        long high = Math.multiplyHigh(a, b);
        long low = a * b;
        // a * b = high * 2^64 + low, and 2^61 is 1 modulo 2^61 - 1
        return reduce((low & MODULUS) + ((low >>> 61) | (high << 3)));
    }

    /** A value below {@code 2^63} modulo {@link #MODULUS}. */
    private static long reduce(long value) {
        long folded = (value & MODULUS) + (value >>> 61);
        return folded >= MODULUS ? folded - MODULUS : folded;
    }

    private static char lowerAscii(char c) {
        return c >= 'A' && c <= 'Z' ? (char) (c + ('a' - 'A')) : c;
    }

    /**
     * Normalises each spelling once. ASCII case aside, spellings that compare equal are the same text, and
     * normalising lower-cases ASCII letters before anything else could tell them apart (NFKC composes an
     * upper-case letter and its lower-case form alike), so the first spelling met stands for the others.
     */
    private void normaliseSpellings() {
        normalised = new String[spellings];
        unreadable = new boolean[spellings];
        nonPublic = new boolean[spellings];
        addressNamed = new boolean[spellings];
        for (int s = 0; s < spellings; s++) {
            normalised[s] = EmailDomain.normalise(texts[s], froms[s], tos[s]);
            if (normalised[s] != null && normalised[s].contains("xn--")) {
                // an internationalised name may have a second reading, where a sharp s is "ss" (review58 F1)
                String twin = EmailDomain.transitionalTwin(texts[s], froms[s], tos[s]);
                if (twin != null) {
                    if (twins == null) {
                        twins = new String[spellings];
                    }
                    twins[s] = twin;
                }
            }
            unreadable[s] = EmailDomain.isUnreadable(texts[s], froms[s], tos[s], normalised[s]);
            nonPublic[s] = !unreadable[s] && EmailDomain.isNonPublic(texts[s], froms[s], tos[s], normalised[s]);
            addressNamed[s] = nonPublic[s] && EmailDomain.namesAnAddress(texts[s], froms[s], tos[s], normalised[s]);
            // texts are no longer needed: let a large body go
            texts[s] = null;
        }
    }

    /**
     * The moment the field's mail-server look-ups stop waiting: {@code proposed} at the first look-up that
     * asks, the same moment for every later one, so the field's waits share one budget.
     */
    long mxDeadline(long proposed) {
        if (!mxDeadlineSet) {
            mxDeadline = proposed;
            mxDeadlineSet = true;
        }
        return mxDeadline;
    }

    private boolean mxLookUpsStarted;

    /** The client site the field was sent from, whose share of the look-ups in flight it spends; see {@link #site}. */
    private @Nullable String site;

    /**
     * Names the client site (an IPv4 address, an IPv6 /48) that sent the field: its look-ups spend that site's share of
     * those in flight ({@link MxCheck#LOOK_UPS_PER_SITE}).
     */
    FieldAddresses site(@Nullable String clientSite) {
        this.site = clientSite;
        return this;
    }

    /**
     * The name of the field whose second reading {@code domain} is ({@code abyßmail.com}'s {@code abyssmail.com}),
     * or {@code null} when it is none's, or is a name the field gives itself: a second reading's look-up rides on its
     * name's share (review59 F5: three fresh names with a sharp s needed six look-ups, past the field's four).
     */
    @Nullable
    String firstReadingOf(String domain) {
        if (twins == null) {
            return null;
        }
        String name = null;
        for (int s = 0; s < spellings; s++) {
            if (domain.equals(normalised[s])) {
                return null;
            }
            if (name == null && domain.equals(twins[s])) {
                name = normalised[s];
            }
        }
        return name;
    }

    /** The client site that sent the field, or {@code null} when none was named. */
    @Nullable
    String site() {
        return site;
    }

    private boolean mxUnchecked;

    /** See {@link #markMxBusy}. */
    private boolean mxBusy;

    /**
     * Whether the field's mail-server look-ups have been started (all at once, by the first of its addresses that
     * needs one: a slow domain early in the field must not spend the budget of a look-up later in it); marks them so.
     */
    boolean startMxLookUps() {
        if (mxLookUpsStarted) {
            return false;
        }
        mxLookUpsStarted = true;
        return true;
    }

    /**
     * Marks the field as naming more domains whose mail servers are unknown than one request may look up: those it
     * could not look up are not known to be clean (review55 F5: four decoy domains ahead of a fresh temp-mail domain
     * spent the field's look-ups, and the temp-mail domain passed unasked).
     */
    void markMxUnchecked() {
        mxUnchecked = true;
    }

    /**
     * Marks the field as naming a domain whose mail servers could not be looked up now: its client's share of the
     * look-ups is in flight, its registered domain's are, or the resolver's queue is full. It is not known to be
     * clean either (review57 F2: such a domain passed unchecked at every request while the look-ups were held).
     */
    void markMxBusy() {
        mxUnchecked = true;
        mxBusy = true;
    }

    /** Whether the field names domains it could not look up; see {@link #markMxUnchecked}, {@link #markMxBusy}. */
    boolean isMxUnchecked() {
        return mxUnchecked;
    }

    /** Whether a look-up the field needed could not start now; see {@link #markMxBusy}. */
    boolean isMxBusy() {
        return mxBusy;
    }

    /** Which bound the field went over, or {@code null} when it is within both. */
    @Nullable
    Excess excess() {
        return excess;
    }

    /** How many addresses of the field name a domain (none when the field names too many). */
    int size() {
        return size;
    }

    /** How many different spellings of domains the field names, each normalised once. */
    int spellings() {
        return excess == null ? spellings : 0;
    }

    /**
     * The address's domain after its last {@code @}, read as {@link EmailDomain#of} reads it, or {@code
     * null}: the text after that {@code @} normalised, unless it is longer than any address (then {@code
     * null}, and the address {@linkplain #hasUnreadableDomain unreadable}).
     */
    @Nullable
    String deliveryDomain(int index) {
        int spelling = delivery[index];
        return tos[spelling] - froms[spelling] > EmailDomain.MAX_ADDRESS ? null : normalised[spelling];
    }

    /** The value the address at {@code index} was read from, as sent. */
    String value(int index) {
        return values[index];
    }

    /**
     * Every domain the address names, its delivery domain first, each once; then the second readings of those with
     * one (a sharp s as "ss", review58 F1), which mail software may deliver to as well.
     */
    List<String> domains(int index) {
        String first = deliveryDomain(index);
        long others = names[index] & ~(1L << delivery[index]);
        if (twins != null) {
            return withTwins(index, first);
        }
        if (others == 0) {
            return first == null ? List.of() : List.of(first);
        }
        List<String> domains = new ArrayList<>(Long.bitCount(others) + 1);
        if (first != null) {
            domains.add(first);
        }
        for (long rest = others; rest != 0; rest &= rest - 1) {
            String domain = normalised[Long.numberOfTrailingZeros(rest)];
            if (domain != null && !domains.contains(domain)) {
                domains.add(domain);
            }
        }
        return domains;
    }

    /** {@link #domains(int)} of a field where a spelling has a second reading. */
    private List<String> withTwins(int index, @Nullable String first) {
        List<String> domains = new ArrayList<>();
        if (first != null) {
            domains.add(first);
        }
        long all = names[index];
        for (long rest = all & ~(1L << delivery[index]); rest != 0; rest &= rest - 1) {
            String domain = normalised[Long.numberOfTrailingZeros(rest)];
            if (domain != null && !domains.contains(domain)) {
                domains.add(domain);
            }
        }
        for (long rest = all; rest != 0; rest &= rest - 1) {
            int spelling = Long.numberOfTrailingZeros(rest);
            String twin = twins[spelling];
            boolean named = spelling == delivery[index] ? first != null : normalised[spelling] != null;
            if (twin != null && named && !domains.contains(twin)) {
                domains.add(twin);
            }
        }
        return domains;
    }

    /**
     * Whether the address names, after one of its {@code @}s, a domain that cannot be read as a domain
     * name, so that no list can be asked about it ({@link EmailDomain#isUnreadable}); the hops of a percent
     * hack do not count. An address with an address literal, or nothing after its {@code @}, names no
     * domain and is not unreadable.
     */
    boolean hasUnreadableDomain(int index) {
        for (long rest = afterAt[index]; rest != 0; rest &= rest - 1) {
            if (unreadable[Long.numberOfTrailingZeros(rest)]) {
                return true;
            }
        }
        return false;
    }

    /**
     * Whether the address names, after one of its {@code @}s, no public mail domain: an address literal,
     * a numeric name or a name of one label ({@link EmailDomain#isNonPublic}); or a hop of a percent hack or a
     * bang path that names a host by its address ({@link EmailDomain#namesAnAddress}), the client's own, where a
     * relay routes it (probe71d F1: {@code bot%[198.51.100.7]@gmail.com} was accepted, the same literal in a source
     * route refused). Other hops do not count: {@code a%localhost@example.com} is delivered to example.com.
     */
    boolean hasNonPublicDomain(int index) {
        return hasNonPublicDomain(index, null);
    }

    /**
     * {@link #hasNonPublicDomain(int)}, a domain the {@code lists}' allowlists cover not counted: the operator
     * named it (a top-level name delegated after this release, an intranet's own mail domain).
     */
    boolean hasNonPublicDomain(int index, @Nullable DisposableDomains lists) {
        for (long rest = afterAt[index]; rest != 0; rest &= rest - 1) {
            int spelling = Long.numberOfTrailingZeros(rest);
            if (nonPublic[spelling]
                    && (lists == null || normalised[spelling] == null || !lists.isAllowed(normalised[spelling]))) {
                return true;
            }
        }
        for (long rest = names[index] & ~afterAt[index]; rest != 0; rest &= rest - 1) {
            int spelling = Long.numberOfTrailingZeros(rest);
            if (addressNamed[spelling]
                    && (lists == null || normalised[spelling] == null || !lists.isAllowed(normalised[spelling]))) {
                return true;
            }
        }
        return false;
    }

    /** Whether {@link #bans} was given, so that the bans need not be asked about again. */
    boolean bansLookedUp() {
        return bansLookedUp;
    }

    /** Whether each domain of the field is banned, asked in one step; {@code null} to ask domain by domain. */
    void bans(@Nullable Map<String, Boolean> banned) {
        this.bans = banned;
        this.bansLookedUp = true;
    }

    /** Whether the domain is banned, as {@link #bans} was told, or {@code null} when that is not known. */
    @Nullable
    Boolean banned(String domain) {
        return bans == null ? null : bans.get(domain);
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
        if (size > 1 || spellings > 1) {
            if (answers == null) {
                answers = new HashMap<>();
            }
            answers.put(domain, match);
        }
    }
}
