package io.github.abuseguard.store;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.github.abuseguard.testing.FakeTimeSource;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The in-process trails against a plain reference model of the documented semantics. Operations come
 * from clients' paths, so entries may hold any text, {@code |} and digits included: reservations must
 * still block, settle and stay bounded exactly as documented (and as the Redis store's script reads
 * entries: ASCII digits only, greedy operation).
 */
class TrailsFuzzTest {
    private static final Pattern ENTRY = Pattern.compile("(.*)\\|([0-9]{1,9})\\|([0-9]{1,18})", Pattern.DOTALL);
    private static final String[] OPERATIONS = {
        "POST /redeem",
        "POST /redeem|0|1",
        "GET /",
        "POST /redeem|0",
        "",
        "POST /redeem#v",
        "POST /redeemed",
        "POST /redeem#~t",
        "POST /redeem#~"
    };

    @FuzzTest(maxDuration = "10m")
    void localTrailsAgreeWithAReferenceModel(FuzzedDataProvider data) {
        int maxLength = data.consumeInt(1, 6);
        Trails trails = LocalStateStore.builder()
                .timeSource(new FakeTimeSource())
                .build()
                .trails("fuzz", maxLength, Duration.ofHours(1));
        List<String> model = new ArrayList<>();
        String fuzzedOperation = data.consumeString(12);
        int steps = 0;
        while (data.remainingBytes() > 0 && steps++ < 64) {
            String operation = data.consumeBoolean() ? fuzzedOperation : data.pickValue(OPERATIONS);
            String entry = data.consumeBoolean()
                    ? operation + "|" + data.pickValue(new String[] {"0", "200", "404", "+5", "٣", "00"}) + "|"
                            + data.consumeLong(0, 3_000)
                    : data.consumeString(24);
            switch (data.consumeInt(0, 2)) {
                case 0 -> {
                    trails.append("k", entry);
                    append(model, entry, maxLength);
                }
                case 1 -> {
                    List<TrailBlock> blocks = new ArrayList<>();
                    int count = data.consumeInt(0, 3);
                    for (int b = 0; b < count; b++) {
                        String blocked = data.consumeBoolean() ? fuzzedOperation : data.pickValue(OPERATIONS);
                        blocks.add(new TrailBlock(blocked, data.consumeInt(0, 5), data.consumeLong(0, 3_000)));
                    }
                    int expected = firstBlock(model, blocks);
                    if (expected < 0
                            && model.stream()
                                            .filter(e -> Trails.inFlight(e, entry))
                                            .count()
                                    >= maxLength) {
                        expected = Trails.TOO_MANY_PENDING;
                    }
                    if (expected == -1) {
                        append(model, entry, maxLength);
                    }
                    assertThat(trails.appendUnless("k", entry, blocks)).isEqualTo(expected);
                }
                default -> {
                    String outcome = data.consumeBoolean() ? null : entry;
                    trails.settle("k", operation, outcome);
                    settle(model, operation, outcome, maxLength);
                }
            }
            assertThat(trails.get("k")).containsExactlyElementsOf(model).hasSizeLessThanOrEqualTo(2 * maxLength);
        }
    }

    /** A settled entry pushes the oldest settled one out past the length; no trail holds more than twice it. */
    private static void append(List<String> model, String entry, int maxLength) {
        model.add(entry);
        keepSettled(model, maxLength, entry);
    }

    private static void keepSettled(List<String> model, int maxLength, String added) {
        long settled = model.stream().filter(e -> !Trails.isPending(e)).count();
        for (int i = 0; settled > maxLength && i < model.size(); ) {
            if (Trails.isPending(model.get(i))) {
                i++;
            } else {
                model.remove(i);
                settled--;
            }
        }
        int over = model.size() - 2 * maxLength;
        for (int i = 0; over > 0 && i < model.size(); ) {
            String entry = model.get(i);
            if (Trails.isPending(entry) && !Trails.inFlight(entry, added)) {
                model.remove(i);
                over--;
            } else {
                i++;
            }
        }
        while (model.size() > 2 * maxLength) {
            model.remove(0);
        }
    }

    private static int firstBlock(List<String> model, List<TrailBlock> blocks) {
        for (int b = 0; b < blocks.size(); b++) {
            TrailBlock block = blocks.get(b);
            for (String entry : model) {
                Matcher m = ENTRY.matcher(entry);
                if (m.matches()
                        && (m.group(1).equals(block.operation())
                                || m.group(1).startsWith(block.operation() + Trails.VALUES))
                        && Long.parseLong(m.group(3)) >= block.sinceMillis()) {
                    int status = Integer.parseInt(m.group(2));
                    if (status == 0 || block.statusClass() == 0 || status / 100 == block.statusClass()) {
                        return b;
                    }
                }
            }
        }
        return -1;
    }

    private static void settle(List<String> model, String operation, String outcome, int maxLength) {
        for (int i = 0; i < model.size(); i++) {
            Matcher m = ENTRY.matcher(model.get(i));
            // a pending entry of the operation: without a token, or naming its request (operation#~token)
            if (m.matches()
                    && (m.group(1).equals(operation) || m.group(1).startsWith(operation + Trails.VALUES + Trails.TOKEN))
                    && m.group(2).equals("0")) {
                if (outcome == null) {
                    model.remove(i);
                } else {
                    model.set(i, outcome);
                    keepSettled(model, maxLength, outcome);
                }
                return;
            }
        }
        if (outcome != null) {
            append(model, outcome, maxLength);
        }
    }
}
