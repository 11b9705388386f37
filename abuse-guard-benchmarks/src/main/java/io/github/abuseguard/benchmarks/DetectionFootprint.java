package io.github.abuseguard.benchmarks;

import io.github.abuseguard.Action;
import io.github.abuseguard.GuardRequest;
import io.github.abuseguard.failure.FailureGuard;
import io.github.abuseguard.failure.FailureRule;
import io.github.abuseguard.failure.UnderAttack;
import io.github.abuseguard.store.LocalStateStore;
import io.github.abuseguard.volume.DistinctRule;
import io.github.abuseguard.volume.OnlyReads;
import io.github.abuseguard.volume.RateBaseline;
import io.github.abuseguard.volume.UnderScrape;
import io.github.abuseguard.volume.VolumeGuard;

/**
 * Measures the heap the failure and volume guards cost per tracked key in the in-process store, and
 * shows that a flood of new keys stays within the store's bound: {@code N} distinct IPv4 clients each
 * fail one login (fail2ban counter, surge counts, no ban) and then walk {@code W} distinct scores (the
 * sketch's registers, one tally each), then poll one score {@code W} times through a rule with only the
 * rate baseline (one tally with one count, the histogram shared), and then poll 7 games {@code W} times
 * through a rule like the demo's (bound, rate baseline, only-reads, under-scrape: still one tally), then walk
 * {@code W} resources of one template of a wide rule (max-distinct 1024, 64 templates, rate baseline: what a
 * key costs is sized by its use), and last the wide rule's worst case: a tenth of the clients each touch
 * 2,048 resources over all 64 templates in one window. Run with {@code java -cp abuse-guard-benchmarks/target/benchmarks.jar
 * io.github.abuseguard.benchmarks.DetectionFootprint [clients] [walk] [maximum-keys]}.
 */
public final class DetectionFootprint {
    private DetectionFootprint() {}

    public static void main(String[] args) throws InterruptedException {
        int clients = args.length > 0 ? Integer.parseInt(args[0]) : 100_000;
        int walk = args.length > 1 ? Integer.parseInt(args[1]) : 20;
        long maximumKeys = args.length > 2 ? Long.parseLong(args[2]) : 1_000_000;
        LocalStateStore store =
                LocalStateStore.builder().maximumKeys(maximumKeys).build();
        FailureGuard failure = FailureGuard.builder()
                .store(store)
                .rule(FailureRule.builder("login")
                        .path("/api/login")
                        .statuses("401")
                        .maxRetry(1_000)
                        .underAttack(UnderAttack.defaults())
                        .build())
                .build();
        VolumeGuard volume = VolumeGuard.builder()
                .store(store)
                .rule(DistinctRule.builder("scores")
                        .path("/api/scores/{game}")
                        .maxDistinct(30)
                        .build())
                .build();
        VolumeGuard rates = VolumeGuard.builder()
                .store(store)
                .rule(DistinctRule.builder("polls")
                        .path("/api/polls/{game}")
                        .maxDistinct(1)
                        .rateBaseline(new RateBaseline(java.time.Duration.ofMinutes(1), 10, 60, 30, Action.LOG, 0))
                        .build())
                .build();
        VolumeGuard demo = VolumeGuard.builder()
                .store(store)
                .rule(DistinctRule.builder("games")
                        .path("/api/games/{game}")
                        .maxDistinct(30)
                        .underScrape(UnderScrape.defaults())
                        .rateBaseline(RateBaseline.defaults())
                        .onlyReads(OnlyReads.defaults())
                        .build())
                .build();
        DistinctRule.Builder wideRule = DistinctRule.builder("wide")
                .maxDistinct(1024)
                .rateBaseline(new RateBaseline(java.time.Duration.ofMinutes(1), 10, 20, 30, Action.LOG, 0));
        StringBuilder learned = new StringBuilder("{\"wide\":{\"rates\":{");
        for (int t = 0; t < 64; t++) {
            wideRule.path("/api/wide" + t + "/{id}");
            learned.append(t == 0 ? "" : ",")
                    .append("\"/api/wide")
                    .append(t)
                    .append("/{id}\":{\"p50\":1,\"p90\":1,\"p99\":1,\"clients\":100,\"windows\":100}");
        }
        VolumeGuard wide =
                VolumeGuard.builder().store(store).rule(wideRule.build()).build();
        // learned: the floor of 20 requests per template and window applies, so the worst case below is over
        // it (and marked) on every template
        wide.importBaselines(learned.append("}}}").toString());
        long before = usedHeap();
        for (int i = 0; i < clients; i++) {
            String address = "10." + (i >>> 16 & 0xff) + "." + (i >>> 8 & 0xff) + "." + (i & 0xff);
            GuardRequest login =
                    GuardRequest.builder("POST", "/api/login").client(address).build();
            failure.check(login);
            failure.observe(login, 401);
        }
        long afterFailures = usedHeap();
        for (int i = 0; i < clients; i++) {
            String address = "10." + (i >>> 16 & 0xff) + "." + (i >>> 8 & 0xff) + "." + (i & 0xff);
            for (int w = 0; w < walk; w++) {
                volume.check(GuardRequest.builder("GET", "/api/scores/g" + w)
                        .client(address)
                        .build());
            }
        }
        long afterVolume = usedHeap();
        for (int i = 0; i < clients; i++) {
            String address = "10." + (i >>> 16 & 0xff) + "." + (i >>> 8 & 0xff) + "." + (i & 0xff);
            for (int w = 0; w < walk; w++) {
                rates.check(GuardRequest.builder("GET", "/api/polls/finals")
                        .client(address)
                        .build());
            }
        }
        long afterRates = usedHeap();
        System.out.printf(
                "rate baseline: heap growth %.1f MiB, %d bytes per client (%d polls of one score)%n",
                (afterRates - afterVolume) / 1048576.0, (afterRates - afterVolume) / clients, walk);
        for (int i = 0; i < clients; i++) {
            String address = "10." + (i >>> 16 & 0xff) + "." + (i >>> 8 & 0xff) + "." + (i & 0xff);
            for (int w = 0; w < walk; w++) {
                demo.check(GuardRequest.builder("GET", "/api/games/g" + (w % 7))
                        .client(address)
                        .build());
            }
        }
        long afterDemo = usedHeap();
        System.out.printf(
                "demo rule (bound 30, rate baseline, only-reads, under-scrape): heap growth %.1f MiB, %d bytes per"
                        + " client (%d polls over 7 games)%n",
                (afterDemo - afterRates) / 1048576.0, (afterDemo - afterRates) / clients, walk);
        for (int i = 0; i < clients; i++) {
            String address = "10." + (i >>> 16 & 0xff) + "." + (i >>> 8 & 0xff) + "." + (i & 0xff);
            for (int w = 0; w < walk; w++) {
                wide.check(GuardRequest.builder("GET", "/api/wide0/r" + w)
                        .client(address)
                        .build());
            }
        }
        long afterWide = usedHeap();
        System.out.printf(
                "wide rule (max-distinct 1024, 64 templates, rate baseline): heap growth %.1f MiB, %d bytes per"
                        + " client (%d distinct resources of one template)%n",
                (afterWide - afterDemo) / 1048576.0, (afterWide - afterDemo) / clients, walk);
        // The worst case of the wide rule: a tenth of the clients, each touching 2,048 resources over every
        // template in one window (its set a full bitmap, 64 counters), and over its bound on every template.
        int worstClients = Math.max(1, clients / 10);
        for (int i = 0; i < worstClients; i++) {
            String address = "10.200." + (i >>> 8 & 0xff) + "." + (i & 0xff);
            for (int w = 0; w < 2048; w++) {
                wide.check(GuardRequest.builder("GET", "/api/wide" + (w & 63) + "/w" + w)
                        .client(address)
                        .build());
            }
        }
        long afterWorst = usedHeap();
        System.out.printf(
                "wide rule, worst case: heap growth %.1f MiB, %d bytes per client (%d clients, 2048 distinct"
                        + " resources over 64 templates)%n",
                (afterWorst - afterWide) / 1048576.0, (afterWorst - afterWide) / worstClients, worstClients);
        System.out.printf(
                "maximum keys per namespace: %d; clients: %d%n"
                        + "failure guard: heap growth %.1f MiB, %d bytes per client (one failed login)%n"
                        + "volume guard: heap growth %.1f MiB, %d bytes per client (%d distinct scores)%n",
                maximumKeys,
                clients,
                (afterFailures - before) / 1048576.0,
                (afterFailures - before) / clients,
                (afterVolume - afterFailures) / 1048576.0,
                (afterVolume - afterFailures) / clients,
                walk);
        if (failure.rules().isEmpty()
                || volume.rules().isEmpty()
                || rates.rules().isEmpty()
                || demo.rules().isEmpty()
                || wide.rules().isEmpty()) {
            throw new IllegalStateException("keep the guards reachable");
        }
    }

    private static long usedHeap() throws InterruptedException {
        Runtime runtime = Runtime.getRuntime();
        for (int i = 0; i < 4; i++) {
            System.gc();
            Thread.sleep(100);
        }
        return runtime.totalMemory() - runtime.freeMemory();
    }
}
