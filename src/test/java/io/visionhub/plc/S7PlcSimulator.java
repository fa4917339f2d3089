package io.visionhub.plc;

import io.visionhub.outputs.PortPicker;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * A SIMULATOR of a Siemens S7 PLC: Snap7's S7Server (node-snap7, src/test/s7/s7-plc-server.js) serving data block
 * DB1, whose memory this class mirrors and sets (the PLC program's side). Per station 88 bytes from
 * {@code 88 * index}:
 * <pre>
 * byte +0 bits: .0 Trigger  .1 TriggerAck  .2 Reject  .3 ResultReady  .4 Ack
 * +2 PartId (DWORD)   +6 ResultPartId (DWORD)   +10 ResultCode (WORD)
 * +12 PartIdText (STRING(16))   +30 ResultPartIdText (STRING(16))
 * +48 PartIdWide (WSTRING(8))   +68 ResultPartIdWide (WSTRING(8))
 * </pre>
 * {@link #mapping} maps the numeric part ids, {@link #textMapping} the STRING ones, {@link #wideMapping} the WSTRING
 * ones; the texts' headers are set as a PLC sets them from the declaration.
 * A listener hears each write of the hub (station, byte offset in the station, bit or -1 for a byte write).
 * {@link #available()} says why it cannot run (node or node-snap7 missing).
 */
public final class S7PlcSimulator implements SimulatedPlc {

    public static final Path DIR = Path.of("src/test/s7");
    public static final int DB = 1;
    public static final int STATION_BYTES = 88;
    public static final int TRIGGER = 0;
    public static final int TRIGGER_ACK = 1;
    public static final int REJECT = 2;
    public static final int RESULT_READY = 3;
    public static final int ACK = 4;
    public static final int PART_ID = 2;
    public static final int RESULT_PART_ID = 6;
    public static final int RESULT_CODE = 10;
    public static final int PART_ID_TEXT = 12;
    public static final int RESULT_PART_ID_TEXT = 30;
    public static final int TEXT_LENGTH = 16;
    public static final int PART_ID_WIDE = 48;
    public static final int RESULT_PART_ID_WIDE = 68;
    public static final int WIDE_LENGTH = 8;

    private final List<String> stations;
    private final Process process;
    private final Writer commands;
    private final int port;
    private volatile byte[] image;
    private volatile BiConsumer<String, int[]> onWrite = (station, at) -> {};
    private final ConcurrentHashMap<Integer, CompletableFuture<Void>> answers = new ConcurrentHashMap<>();
    private int sent;
    private final CompletableFuture<Void> listening = new CompletableFuture<>();
    private final StringBuilder errors = new StringBuilder();

    /** Null when the simulator can run here, else the reason (for a skipped test). */
    public static String available() {
        boolean node =
                Stream.of(System.getenv("PATH").split(":")).anyMatch(d -> Files.isExecutable(Path.of(d, "node")));
        if (!node) {
            return "node is not installed";
        }
        if (!Files.isDirectory(DIR.resolve("node_modules/node-snap7/build/Release"))) {
            return "node-snap7 is not built: (cd src/test/s7 && npm install), which needs g++, make and python3";
        }
        return null;
    }

    public S7PlcSimulator(List<String> stations) throws Exception {
        this.stations = stations;
        this.image = new byte[STATION_BYTES * stations.size()];
        this.port = PortPicker.ephemeral("127.0.0.1");
        this.process = new ProcessBuilder(
                        "node",
                        "s7-plc-server.js",
                        String.valueOf(port),
                        String.valueOf(DB),
                        String.valueOf(image.length))
                .directory(DIR.toFile())
                .start();
        this.commands = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
        Thread reader = new Thread(this::readLoop, "s7-simulator-out");
        reader.setDaemon(true);
        reader.start();
        Thread err = new Thread(
                () -> {
                    try (BufferedReader r = process.errorReader(StandardCharsets.UTF_8)) {
                        for (String l; (l = r.readLine()) != null; ) {
                            synchronized (errors) {
                                errors.append(l).append('\n');
                            }
                            System.err.println("s7 server: " + l); // its errors, or its trace (S7_TRACE=1)
                        }
                    } catch (IOException ignored) {
                        // the process ended
                    }
                },
                "s7-simulator-err");
        err.setDaemon(true);
        err.start();
        try {
            listening.get(20, TimeUnit.SECONDS);
        } catch (Exception e) {
            process.destroyForcibly();
            synchronized (errors) {
                throw new IllegalStateException("the S7 server did not start: " + errors, e);
            }
        }
        // the PLC initialises each text's header (its declared length) from the data block's declaration
        for (String st : stations) {
            int base = STATION_BYTES * stations.indexOf(st);
            for (int at : new int[] {PART_ID_TEXT, RESULT_PART_ID_TEXT}) {
                setBytes(base + at, new byte[] {(byte) TEXT_LENGTH, 0});
            }
            for (int at : new int[] {PART_ID_WIDE, RESULT_PART_ID_WIDE}) {
                setBytes(base + at, new byte[] {0, (byte) WIDE_LENGTH, 0, 0});
            }
        }
    }

    private void readLoop() {
        int[] pending = null;
        try (BufferedReader r =
                new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line; (line = r.readLine()) != null; ) {
                String[] f = line.split(" ");
                switch (f[0]) {
                    case "listening" -> listening.complete(null);
                    case "db" -> {
                        image = HexFormat.of().parseHex(f[1]);
                        if (pending != null) {
                            int[] at = pending;
                            pending = null;
                            onWrite.accept(
                                    stations.get(at[0] / STATION_BYTES), new int[] {at[0] % STATION_BYTES, at[1]});
                        }
                    }
                    case "write" -> {
                        // "write 12.3 01" (a bit) or "write 12 0000abcd" (bytes)
                        String[] where = f[1].split("\\.");
                        pending = new int[] {
                            Integer.parseInt(where[0]), where.length > 1 ? Integer.parseInt(where[1]) : -1
                        };
                    }
                    case "ok" -> {
                        CompletableFuture<Void> a = answers.remove(Integer.parseInt(f[1]));
                        if (a != null) {
                            a.complete(null);
                        }
                    }
                    default -> {
                        // nothing else is printed
                    }
                }
            }
        } catch (IOException ignored) {
            // the process ended
        }
    }

    public int port() {
        return port;
    }

    /** PLC4X's S7 address of the simulated PLC (Snap7 answers any rack and slot). */
    public String endpointUrl() {
        return endpointUrl(port);
    }

    @Override
    public String endpointUrl(int port) {
        return "s7://127.0.0.1:" + port + "?remote-rack=0&remote-slot=1&controller-type=S7_300";
    }

    /** The hub's address map of a station (PLC4X S7 tag syntax), as docs/plc.md shows it. */
    public PlcProperties.StationNodes mapping(String station) {
        int base = STATION_BYTES * stations.indexOf(station);
        PlcProperties.StationNodes n = PlcProperties.StationNodes.defaults()
                .withProtocol("s7")
                .withTrigger(bitAddress(base, TRIGGER))
                .withTriggerAck(bitAddress(base, TRIGGER_ACK))
                .withReject(bitAddress(base, REJECT))
                .withResultReady(bitAddress(base, RESULT_READY));
        // DWORD and WORD rather than DINT and INT: node-snap7 passes only byte, word, dword and real items to the
        // script (it drops the data of INT and DINT items); same bytes in the DB, the driver only labels them apart
        n = n.withPartId("%DB" + DB + ":" + (base + PART_ID) + ":DWORD")
                .withResultPartId("%DB" + DB + ":" + (base + RESULT_PART_ID) + ":DWORD")
                .withResultCode("%DB" + DB + ":" + (base + RESULT_CODE) + ":WORD");
        return n;
    }

    /** The same with the part id and result part id as STRING(16) (ASCII text). */
    public PlcProperties.StationNodes textMapping(String station) {
        int base = STATION_BYTES * stations.indexOf(station);
        return mapping(station)
                .withPartId("%DB" + DB + ":" + (base + PART_ID_TEXT) + ":STRING(" + TEXT_LENGTH + ")")
                .withResultPartId("%DB" + DB + ":" + (base + RESULT_PART_ID_TEXT) + ":STRING(" + TEXT_LENGTH + ")");
    }

    /** The same with the part id and result part id as WSTRING(8) (UTF-16 text). */
    public PlcProperties.StationNodes wideMapping(String station) {
        int base = STATION_BYTES * stations.indexOf(station);
        return mapping(station)
                .withPartId("%DB" + DB + ":" + (base + PART_ID_WIDE) + ":WSTRING(" + WIDE_LENGTH + ")")
                .withResultPartId("%DB" + DB + ":" + (base + RESULT_PART_ID_WIDE) + ":WSTRING(" + WIDE_LENGTH + ")");
    }

    private static String bitAddress(int base, int bit) {
        return "%DB" + DB + ":" + base + "." + bit + ":BOOL";
    }

    /** Each write of the hub: the station and {byte offset in the station, bit or -1}, after it is in memory. */
    public void onWrite(BiConsumer<String, int[]> listener) {
        this.onWrite = listener;
    }

    public boolean bit(String station, int bit) {
        return (image[STATION_BYTES * stations.indexOf(station)] >> bit & 1) == 1;
    }

    public int partId(String station) {
        return ByteBuffer.wrap(image).getInt(STATION_BYTES * stations.indexOf(station) + PART_ID);
    }

    @Override
    public long resultPartId(String station) {
        return ByteBuffer.wrap(image).getInt(STATION_BYTES * stations.indexOf(station) + RESULT_PART_ID);
    }

    public short resultCode(String station) {
        return ByteBuffer.wrap(image).getShort(STATION_BYTES * stations.indexOf(station) + RESULT_CODE);
    }

    /**
     * Returns once this mirror shows every write the server has answered so far: a write the hub saw confirmed is in
     * the server's memory, but its copy here comes over the script's output a moment later. Not from an onWrite
     * listener (it runs on the thread that reads that output).
     */
    @Override
    public void sync() {
        command("sync");
    }

    /** Sets one bit, as the PLC program does; returns once the server holds it. */
    public void setBit(String station, int bit, boolean value) {
        command("bit " + STATION_BYTES * stations.indexOf(station) + "." + bit + " " + (value ? 1 : 0));
    }

    public void setPartId(String station, int id) {
        command("set " + (STATION_BYTES * stations.indexOf(station) + PART_ID) + " "
                + HexFormat.of().formatHex(ByteBuffer.allocate(4).putInt(id).array()));
    }

    /** PLC program, first half of a part: the part id, then the trigger. */
    @Override
    public void trigger(String station, long partId) {
        trigger(station, Math.toIntExact(partId));
    }

    /** The station's bits 0 to 3, in {@link Signal}'s order. */
    @Override
    public boolean signal(String station, Signal signal) {
        return bit(station, signal.ordinal());
    }

    @Override
    public void setSignal(String station, Signal signal, boolean value) {
        setBit(station, signal.ordinal(), value);
    }

    /** Takes the place of the {@link #onWrite} listener. */
    @Override
    public void onResultReady(Consumer<String> listener) {
        onWrite((station, at) -> {
            if (at[0] == 0 && at[1] == RESULT_READY && bit(station, RESULT_READY)) {
                listener.accept(station);
            }
        });
    }

    public void trigger(String station, int partId) {
        setPartId(station, partId);
        setBit(station, TRIGGER, true);
    }

    /** The same with a text part id (STRING(16), ASCII), as the PLC writes it: header, then the characters. */
    public void triggerText(String station, String partId) {
        byte[] chars = partId.getBytes(StandardCharsets.ISO_8859_1);
        setText(station, PART_ID_TEXT, TEXT_LENGTH, chars.length, chars);
        setBit(station, TRIGGER, true);
    }

    /** The same with a WSTRING(8) part id. */
    public void triggerWide(String station, String partId) {
        byte[] chars = partId.getBytes(StandardCharsets.UTF_16BE);
        ByteBuffer b = ByteBuffer.allocate(4 + chars.length)
                .putShort((short) WIDE_LENGTH)
                .putShort((short) partId.length())
                .put(chars);
        setBytes(STATION_BYTES * stations.indexOf(station) + PART_ID_WIDE, b.array());
        setBit(station, TRIGGER, true);
    }

    /**
     * Writes a STRING's bytes as given (bad data too): declared maximum, current length, characters; the rest of the
     * declared characters zero.
     */
    public void setText(String station, int offset, int declared, int current, byte[] chars) {
        byte[] b = new byte[2 + Math.max(declared, chars.length)];
        b[0] = (byte) declared;
        b[1] = (byte) current;
        System.arraycopy(chars, 0, b, 2, chars.length);
        setBytes(STATION_BYTES * stations.indexOf(station) + offset, b);
    }

    /** The STRING at the station's offset as the PLC program reads it (header's current length, ISO-8859-1). */
    public String text(String station, int offset) {
        int at = STATION_BYTES * stations.indexOf(station) + offset;
        return new String(image, at + 2, image[at + 1] & 0xff, StandardCharsets.ISO_8859_1);
    }

    /** The declared maximum in the STRING's header at the station's offset. */
    public int textDeclared(String station, int offset) {
        return image[STATION_BYTES * stations.indexOf(station) + offset] & 0xff;
    }

    /** The WSTRING at the station's offset as the PLC program reads it. */
    public String wide(String station, int offset) {
        int at = STATION_BYTES * stations.indexOf(station) + offset;
        int n = ByteBuffer.wrap(image).getShort(at + 2);
        return new String(image, at + 4, 2 * n, StandardCharsets.UTF_16BE);
    }

    private void setBytes(int at, byte[] bytes) {
        command("set " + at + " " + HexFormat.of().formatHex(bytes));
    }

    private void command(String line) {
        CompletableFuture<Void> answer = new CompletableFuture<>();
        synchronized (this) {
            answers.put(++sent, answer);
            try {
                commands.write(line + "\n");
                commands.flush();
            } catch (IOException e) {
                throw new IllegalStateException("the S7 server is gone: " + e.getMessage(), e);
            }
        }
        try {
            answer.get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("the S7 server did not take '" + line + "'", e);
        }
    }

    @Override
    public void close() throws Exception {
        try {
            commands.close(); // the server stops at the end of its input
        } catch (IOException ignored) {
            // already gone
        }
        if (!process.waitFor(5, TimeUnit.SECONDS)) {
            process.destroyForcibly();
        }
    }
}
