package io.visionhub.bench;

import io.visionhub.event.InspectionEvent;
import io.visionhub.vision.TestModels;
import io.visionhub.vision.YoloShapedDetector;
import io.visionhub.vision.challenger.ChallengerRun;
import io.visionhub.vision.component.VisionComponent;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.camel.CamelContext;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.impl.DefaultCamelContext;

/**
 * Champion–challenger overhead: the champion's frames per second (and per-frame p50/p99) through a
 * {@code vision:} producer with no challenger, with a challenger of the same cost, and with a heavy challenger
 * (a YOLO-shaped 640x640 detector, ~5 GFLOPs), rounds interleaved so that the box's load hits every case alike.
 * The challenger runs on its own thread with a queue of one frame and skips frames while busy: printed with how many
 * it compared and skipped. Usage: bench/run ChallengerBench [frames per round] [rounds]
 */
public final class ChallengerBench {

    public static void main(String[] args) throws Exception {
        int frames = args.length > 0 ? Integer.parseInt(args[0]) : 300;
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 3;
        Path tmp = Files.createTempDirectory("challenger-bench");
        List<BufferedImage> parts = TestModels.goodParts(42, 20);
        Path champion = TestModels.classifier(tmp.resolve("champion"), parts);
        Path same = TestModels.classifier(tmp.resolve("same-cost"), TestModels.goodParts(7, 20));
        Path heavy = YoloShapedDetector.write(tmp.resolve("heavy"));
        System.out.printf(
                "ChallengerBench on %d cores, Java %s, %d frames per round, %d rounds; champion: 320x320 classifier, "
                        + "intra-op 1%n",
                Runtime.getRuntime().availableProcessors(), System.getProperty("java.version"), frames, rounds);

        Map<String, String> cases = new LinkedHashMap<>();
        // the challenger's CPU share is a component option: one component per share
        cases.put("no challenger", "vision1:");
        // the champion's own folder as challenger is never asked: what the offer path alone costs
        cases.put("challenger option = the champion (not run)", "vision1:&challenger=" + champion);
        cases.put("challenger, same cost, share 1", "vision1:&challenger=" + same);
        cases.put("challenger, heavy (YOLO-shaped 640), share 1", "vision1:&challenger=" + heavy);
        cases.put("challenger, same cost, share 0.5 (default)", "vision05:&challenger=" + same);
        cases.put("challenger, heavy (YOLO-shaped 640), share 0.5 (default)", "vision05:&challenger=" + heavy);
        cases.put("challenger, heavy (YOLO-shaped 640), share 0.2", "vision02:&challenger=" + heavy);
        CamelContext camel = new DefaultCamelContext();
        Map<String, VisionComponent> components = new LinkedHashMap<>();
        for (String[] c : new String[][] {{"vision1", "1"}, {"vision05", "0.5"}, {"vision02", "0.2"}}) {
            VisionComponent v = new VisionComponent();
            v.setModelWatchSeconds(0);
            v.setChallengerCpuShare(Double.parseDouble(c[1]));
            camel.addComponent(c[0], v);
            components.put(c[0], v);
        }
        camel.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                int i = 0;
                for (Map.Entry<String, String> c : cases.entrySet()) {
                    String[] scheme = c.getValue().split(":", 2);
                    from("direct:case" + i)
                            .to(scheme[0] + ":station-" + i + "?storeImages=false&model=" + champion + scheme[1]);
                    i++;
                }
            }
        });
        camel.start();
        ProducerTemplate t = camel.createProducerTemplate();
        Map<String, double[]> perFrame = new LinkedHashMap<>();
        Map<String, long[]> wall = new LinkedHashMap<>();
        cases.keySet().forEach(k -> {
            perFrame.put(k, new double[frames * rounds]);
            wall.put(k, new long[1]);
        });
        // warm-up: loads the challengers too
        for (int i = 0; i < cases.size(); i++) {
            for (int f = 0; f < 30; f++) {
                t.requestBody("direct:case" + i, parts.get(f % parts.size()), InspectionEvent.class);
            }
        }
        Map<String, long[]> before = new LinkedHashMap<>();
        for (int i = 0; i < cases.size(); i++) {
            ChallengerRun run = challenger(components, i);
            before.put("station-" + i, run == null ? new long[3] : counts(run));
        }
        for (int r = 0; r < rounds; r++) {
            int i = 0;
            for (String name : cases.keySet()) {
                long t0 = System.nanoTime();
                for (int f = 0; f < frames; f++) {
                    long s = System.nanoTime();
                    t.requestBody("direct:case" + i, parts.get(f % parts.size()), InspectionEvent.class);
                    perFrame.get(name)[r * frames + f] = (System.nanoTime() - s) / 1e6;
                }
                wall.get(name)[0] += System.nanoTime() - t0;
                i++;
            }
        }
        System.out.println();
        System.out.println("| case | champion frames/s | per frame p50 / p99 ms | challenger compared / skipped |");
        System.out.println("| --- | --- | --- | --- |");
        int i = 0;
        double base = 0;
        for (String name : cases.keySet()) {
            double[] ms = perFrame.get(name);
            Arrays.sort(ms);
            double fps = ms.length / (wall.get(name)[0] / 1e9);
            if (i == 0) {
                base = fps;
            }
            ChallengerRun run = challenger(components, i);
            String ch = "-";
            if (run != null) {
                long[] now = counts(run);
                long[] was = before.get("station-" + i);
                ch = (now[0] - was[0]) + " / " + (now[1] - was[1]);
            }
            System.out.printf(
                    "| %s | %.0f (%s) | %.2f / %.2f | %s |%n",
                    name,
                    fps,
                    i == 0 ? "baseline" : String.format("%+.1f%%", 100 * (fps / base - 1)),
                    ms[ms.length / 2],
                    ms[(int) (ms.length * 0.99)],
                    ch);
            i++;
        }
        camel.stop();
    }

    private static ChallengerRun challenger(Map<String, VisionComponent> components, int i) {
        return components.values().stream()
                .map(v -> v.challengers().get("station-" + i))
                .filter(r -> r != null)
                .findFirst()
                .orElse(null);
    }

    private static long[] counts(ChallengerRun run) {
        ChallengerRun.Stats s = run.stats();
        return new long[] {s.compared(), s.skipped(), s.offered()};
    }
}
