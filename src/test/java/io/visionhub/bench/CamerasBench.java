package io.visionhub.bench;

import io.visionhub.vision.DemoModelBootstrap;
import io.visionhub.vision.FfmpegEncoders;
import io.visionhub.vision.Frame;
import io.visionhub.vision.YoloShapedDetector;
import io.visionhub.vision.component.CameraHealth;
import io.visionhub.vision.component.VisionComponent;
import io.visionhub.vision.component.VisionConsumer;
import io.visionhub.vision.gige.Aravis;
import io.visionhub.vision.gige.GigeFrameSource;
import io.visionhub.vision.sim.SimulatedPartGenerator;
import io.visionhub.vision.source.FfmpegFrameSource;
import io.visionhub.vision.source.FrameSource;
import io.visionhub.vision.source.LatestFrameHandoff;
import io.visionhub.vision.source.SimulatedFrameSource;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.camel.CamelContext;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.impl.DefaultCamelContext;

/**
 * Many cameras on one hub: for 1, 4 and 8 cameras at 10 fps each, what one hub process spends per camera.
 * <ul>
 *   <li>{@code handoff}: read + decode + convert to pixels + newest-frame handoff, no inference (a taker thread per
 *       camera takes each frame as the inspector would);</li>
 *   <li>{@code demo}: the whole {@code vision:} consumer with the demo anomaly model (shared inspection slots, one
 *       per core by default), images not stored.</li>
 * </ul>
 * Cameras ({@code kind}): {@code rtsp} = a real FFmpeg encoder per camera pushing 640x480 H.264 at 10 fps to the
 * hub's listening RTSP source (the encoders are separate processes: their CPU is printed apart and not counted as
 * the hub's); {@code sim} = simulated parts drawn in-process; {@code gige} = Aravis' in-process fake GigE camera
 * (each open of {@code Fake_1} is a camera of its own, streaming 640x480 Mono8 at 10 fps from a thread of the hub
 * process: its CPU counts as the hub's); {@code mixed} = the first quarter of the cameras (at least one) fake GigE,
 * the others RTSP. A new kind is one more case in {@link #kindOf}, {@link #endpointSource} and {@link #frameSource}. Printed per run: frames/s read and inspected, hub CPU (process
 * CPU time, in cores), frames per CPU-second (frames/s per core), CPU per camera (% of a core and ms per frame),
 * heap after GC and RSS (/proc/self/status) above the idle hub, per camera; per-camera read/inspected/dropped; and
 * the machine load beside it.
 *
 * <p>Run: {@code bench/run CamerasBench [seconds=20] [cameras=1,4,8] [modes=handoff,demo] [kind=rtsp]
 * [codec=libx264] [slots=0] [model=demo|slow]} (kind: rtsp, sim, gige or mixed) (slots: maxConcurrentInspections, 0 = one per core; a number
 * above the camera count behaves as the hub did before the shared slots: every camera inspects at once; model slow =
 * the YOLO-shaped detector, for a CPU that cannot keep up)
 */
public final class CamerasBench {

    static final int FPS = 10;
    static final String SIZE = "640x480";

    public static void main(String[] args) throws Exception {
        int seconds = args.length > 0 ? Integer.parseInt(args[0]) : 20;
        int[] counts = Arrays.stream((args.length > 1 ? args[1] : "1,4,8").split(","))
                .mapToInt(Integer::parseInt)
                .toArray();
        List<String> modes = List.of((args.length > 2 ? args[2] : "handoff,demo").split(","));
        String kind = args.length > 3 ? args[3] : "rtsp";
        String codec = args.length > 4 ? args[4] : "libx264";
        int slots = args.length > 5 ? Integer.parseInt(args[5]) : 0;
        String modelName = args.length > 6 ? args[6] : "demo";
        if (!List.of("demo", "slow").contains(modelName)) {
            throw new IllegalArgumentException("model must be demo or slow, not " + modelName);
        }
        if (!List.of("rtsp", "sim", "gige", "mixed").contains(kind)) {
            throw new IllegalArgumentException("kind must be rtsp, sim, gige or mixed, not " + kind);
        }
        if (List.of("rtsp", "mixed").contains(kind) && !FfmpegEncoders.ffmpegPresent()) {
            throw new IllegalStateException("ffmpeg is not installed (apt-get install -y ffmpeg)");
        }
        if (List.of("gige", "mixed").contains(kind) && !Aravis.available()) {
            throw new IllegalStateException(Aravis.unavailableReason());
        }
        Path tmp = Files.createTempDirectory("cameras-bench");
        Path model;
        if (modelName.equals("demo")) {
            model = tmp.resolve("demo-anomaly");
            DemoModelBootstrap.ensure(model, 20, 42);
        } else {
            model = YoloShapedDetector.write(tmp.resolve("slow"));
        }
        System.out.printf(
                "CamerasBench on %d cores, Java %s, -Xmx%d MB; %s cameras (%s %s, %d fps), %d s per run, slots %s,"
                        + " model %s%n",
                Runtime.getRuntime().availableProcessors(),
                System.getProperty("java.version"),
                Runtime.getRuntime().maxMemory() >> 20,
                kind,
                SIZE,
                switch (kind) {
                    case "rtsp" -> codec;
                    case "mixed" -> "first quarter fake GigE Mono8, the others RTSP " + codec;
                    case "gige" -> "Aravis fake GigE, Mono8";
                    default -> "drawn in-process";
                },
                FPS,
                seconds,
                slots == 0 ? "one per core" : String.valueOf(slots),
                modelName.equals("demo") ? "demo anomaly" : "YOLO-shaped detector (~5 GFLOPs)");
        Memory idle = Memory.now();
        System.out.printf("idle hub: heap after GC %.1f MB, RSS %.1f MB%n", idle.heapMb, idle.rssMb);
        for (String mode : modes) {
            for (int n : counts) {
                run(mode, n, kind, codec, slots, seconds, model, tmp.resolve(mode + "-" + n), idle);
            }
        }
    }

    /** One camera's live counters, however it is driven. */
    interface Camera {
        String name();

        long read();

        long inspected();

        long dropped();
    }

    static void run(
            String mode, int n, String kind, String codec, int slots, int seconds, Path model, Path dir, Memory idle)
            throws Exception {
        Files.createDirectories(dir);
        List<String> urls = new ArrayList<>();
        List<String> kinds = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            kinds.add(kindOf(kind, i, n));
            urls.add(kinds.get(i).equals("rtsp") ? "rtsp://127.0.0.1:" + FfmpegEncoders.freePort() + "/cam" + i : null);
        }
        List<Camera> cams = new ArrayList<>();
        List<AutoCloseable> stops = new ArrayList<>();
        // the cameras stop before their encoders (try-with-resources closes first), so no stream "ends" at stop
        try (FfmpegEncoders encoders = new FfmpegEncoders(dir)) {
            try {
                if (mode.equals("demo")) {
                    CamelContext camel = new DefaultCamelContext();
                    VisionComponent vision = new VisionComponent();
                    vision.setMaxConcurrentInspections(slots);
                    vision.setModelWatchSeconds(0);
                    camel.addComponent("vision", vision);
                    camel.addRoutes(new RouteBuilder() {
                        @Override
                        public void configure() {
                            for (int i = 0; i < n; i++) {
                                from("vision:cam-" + i + "?" + endpointSource(kinds.get(i), urls.get(i), i)
                                                + "&storeImages=false&model=" + model)
                                        .routeId("cam-" + i)
                                        .to("log:bench?level=OFF");
                            }
                        }
                    });
                    camel.start();
                    stops.add(camel::stop);
                    for (int i = 0; i < n; i++) {
                        CameraHealth h =
                                ((VisionConsumer) camel.getRoute("cam-" + i).getConsumer()).health();
                        cams.add(new Camera() {
                            public String name() {
                                return h.camera();
                            }

                            public long read() {
                                return h.framesRead();
                            }

                            public long inspected() {
                                return h.inspected();
                            }

                            public long dropped() {
                                return h.dropped();
                            }
                        });
                    }
                } else if (mode.equals("handoff")) {
                    for (int i = 0; i < n; i++) {
                        HandoffCamera c =
                                new HandoffCamera("cam-" + i, frameSource(kinds.get(i), "cam-" + i, urls.get(i), i));
                        cams.add(c);
                        stops.add(c);
                    }
                } else {
                    throw new IllegalArgumentException("mode must be handoff or demo, not " + mode);
                }
                // warm up: every camera delivering (encoders restarted until the hub listens)
                Process[] pushing = new Process[n];
                long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
                while (cams.stream().anyMatch(c -> c.read() < 2 * FPS)) {
                    if (System.nanoTime() > until) {
                        throw new IllegalStateException("cameras not all delivering after 120 s: "
                                + cams.stream()
                                        .map(c -> c.name() + " " + c.read())
                                        .toList());
                    }
                    for (int i = 0; i < n; i++) {
                        if (kinds.get(i).equals("rtsp")) {
                            if (pushing[i] == null || !pushing[i].isAlive()) {
                                pushing[i] = encoders.push(urls.get(i), SIZE, FPS, codec);
                            }
                        }
                    }
                    Thread.sleep(300);
                }
                long[] read0 = cams.stream().mapToLong(Camera::read).toArray();
                long[] insp0 = cams.stream().mapToLong(Camera::inspected).toArray();
                long[] drop0 = cams.stream().mapToLong(Camera::dropped).toArray();
                long encCpu0 = encoderCpuMs(pushing);
                MachineLoad load = MachineLoad.start();
                long cpu0 = processCpuNanos();
                long t0 = System.nanoTime();
                Thread.sleep(TimeUnit.SECONDS.toMillis(seconds));
                double wall = (System.nanoTime() - t0) / 1e9;
                double cpu = (processCpuNanos() - cpu0) / 1e9;
                String machine = load.summary();
                double encCpu = (encoderCpuMs(pushing) - encCpu0) / 1000.0;
                long read = 0;
                long insp = 0;
                long minInsp = Long.MAX_VALUE;
                long maxInsp = 0;
                StringBuilder per = new StringBuilder();
                for (int i = 0; i < n; i++) {
                    Camera c = cams.get(i);
                    long r = c.read() - read0[i];
                    long in = c.inspected() - insp0[i];
                    long d = c.dropped() - drop0[i];
                    read += r;
                    insp += in;
                    minInsp = Math.min(minInsp, in);
                    maxInsp = Math.max(maxInsp, in);
                    per.append(String.format(
                            " %s%s %d/%d/%d", c.name(), kinds.get(i).equals("gige") ? " (gige)" : "", r, in, d));
                }
                Memory mem = Memory.now();
                double frames = mode.equals("demo") ? insp : read;
                System.out.printf(
                        "%-7s %d cam: read %.1f fps, inspected %.1f fps; hub CPU %.2f cores -> %.0f frames/s per core;"
                                + " per camera %.1f%% of a core, %.2f ms CPU/frame; heap %+.1f MB/cam, RSS %+.1f MB/cam"
                                + " (heap %.1f MB, RSS %.1f MB); encoders %.2f cores%n",
                        mode,
                        n,
                        read / wall,
                        insp / wall,
                        cpu / wall,
                        frames / cpu,
                        100 * cpu / wall / n,
                        1000 * cpu / Math.max(1, frames),
                        (mem.heapMb - idle.heapMb) / n,
                        (mem.rssMb - idle.rssMb) / n,
                        mem.heapMb,
                        mem.rssMb,
                        encCpu / wall);
                System.out.printf(
                        "        per camera read/inspected/dropped:%s; inspected min/max %d/%d%n",
                        per, minInsp, maxInsp);
                System.out.println("        machine: " + machine);
            } finally {
                for (AutoCloseable s : stops) {
                    s.close();
                }
            }
        }
    }

    /** What camera i of n is for the bench's kind: mixed = the first quarter (at least one) GigE, the rest RTSP. */
    static String kindOf(String kind, int i, int n) {
        if (!kind.equals("mixed")) {
            return kind;
        }
        return i < Math.max(1, n / 4) ? "gige" : "rtsp";
    }

    /** A fake GigE camera as the bench reads it: 640x480 Mono8 at 10 fps. */
    static final String GIGE = "gige://Fake_1?PixelFormat=Mono8&Width=640&Height=480&AcquisitionFrameRate=" + FPS;

    /** The vision endpoint's source options for camera i of this kind. */
    static String endpointSource(String kind, String url, int i) {
        return switch (kind) {
            case "rtsp" -> "source=" + url + "&rtspListen=true&readTimeout=10000&reconnectDelay=100";
            case "sim" -> "source=sim&fps=" + FPS + "&seed=" + (100 + i);
            case "gige" -> "source=RAW(" + GIGE + ")&reconnectDelay=100";
            default -> throw new IllegalArgumentException(kind);
        };
    }

    /** The frame source of camera i of this kind, for the hand-off-only mode. */
    static FrameSource frameSource(String kind, String camera, String url, int i) {
        return switch (kind) {
            case "rtsp" -> new FfmpegFrameSource(camera, url, 10_000, true);
            case "sim" -> new SimulatedFrameSource(camera, new SimulatedPartGenerator(100 + i, 0.2), FPS);
            case "gige" -> new GigeFrameSource(camera, GIGE, 10_000, 640 * 480, null);
            default -> throw new IllegalArgumentException(kind);
        };
    }

    /** Reads a source into a newest-frame handoff on one thread and takes frames on another: no inference. */
    static final class HandoffCamera implements Camera, AutoCloseable {
        private final String name;
        private final LatestFrameHandoff handoff = new LatestFrameHandoff();
        private final AtomicLong read = new AtomicLong();
        private final AtomicLong taken = new AtomicLong();
        private final Thread reader;
        private final Thread taker;
        private volatile boolean running = true;

        HandoffCamera(String name, FrameSource source) {
            this.name = name;
            this.reader = new Thread(
                    () -> {
                        while (running) {
                            try {
                                source.open();
                                Frame f;
                                while (running && (f = source.next()) != null) {
                                    read.incrementAndGet();
                                    handoff.offer(f);
                                }
                            } catch (RuntimeException e) {
                                // the encoder is not there yet or went away: open again
                                sleepQuietly(100);
                            } finally {
                                source.close();
                            }
                        }
                    },
                    "bench-read-" + name);
            this.taker = new Thread(
                    () -> {
                        try {
                            while (running) {
                                if (handoff.take(200, TimeUnit.MILLISECONDS) != null) {
                                    taken.incrementAndGet();
                                }
                            }
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                        }
                    },
                    "bench-take-" + name);
            reader.start();
            taker.start();
        }

        public String name() {
            return name;
        }

        public long read() {
            return read.get();
        }

        public long inspected() {
            return taken.get();
        }

        public long dropped() {
            return handoff.dropped();
        }

        @Override
        public void close() throws InterruptedException {
            running = false;
            taker.interrupt();
            taker.join(15_000);
            reader.join(15_000); // a blocked grab returns within the source's timeout
        }
    }

    static void sleepQuietly(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    static long processCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
    }

    /** User + system CPU of the encoder processes, from /proc/<pid>/stat (clock ticks of 10 ms). */
    static long encoderCpuMs(Process[] encoders) {
        long ms = 0;
        for (Process p : encoders) {
            if (p == null) {
                continue;
            }
            try {
                String stat = Files.readString(Path.of("/proc/" + p.pid() + "/stat"));
                String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                ms += (Long.parseLong(f[11]) + Long.parseLong(f[12])) * 10;
            } catch (Exception e) {
                // the encoder ended
            }
        }
        return ms;
    }

    /** Heap in use right after a full GC (as that GC left it), and the resident set of the process. */
    record Memory(double heapMb, double rssMb) {
        static Memory now() throws InterruptedException {
            System.gc();
            System.gc();
            double heap = afterLastGc();
            if (Double.isNaN(heap)) {
                heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed() / 1048576.0;
            }
            double rss = Double.NaN;
            try {
                for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                    if (line.startsWith("VmRSS:")) {
                        rss = Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024.0;
                    }
                }
            } catch (Exception e) {
                // no /proc: RSS not available
            }
            return new Memory(heap, rss);
        }

        /** Heap pools after the most recent GC of any collector (the frames the cameras still hold, no garbage). */
        static double afterLastGc() {
            com.sun.management.GcInfo last = null;
            for (var gc : ManagementFactory.getGarbageCollectorMXBeans()) {
                if (gc instanceof com.sun.management.GarbageCollectorMXBean g) {
                    com.sun.management.GcInfo info = g.getLastGcInfo();
                    if (info != null && (last == null || info.getEndTime() > last.getEndTime())) {
                        last = info;
                    }
                }
            }
            if (last == null) {
                return Double.NaN;
            }
            long used = 0;
            for (var pool : ManagementFactory.getMemoryPoolMXBeans()) {
                if (pool.getType() == java.lang.management.MemoryType.HEAP) {
                    var u = last.getMemoryUsageAfterGc().get(pool.getName());
                    used += u == null ? 0 : u.getUsed();
                }
            }
            return used / 1048576.0;
        }
    }
}
