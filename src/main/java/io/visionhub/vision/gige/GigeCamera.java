package io.visionhub.vision.gige;

import com.sun.jna.NativeLong;
import com.sun.jna.Pointer;
import com.sun.jna.ptr.LongByReference;
import com.sun.jna.ptr.NativeLongByReference;
import com.sun.jna.ptr.PointerByReference;
import java.nio.ByteBuffer;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One GigE Vision (or USB3 Vision, or Aravis' fake) camera opened through Aravis: GenICam features by name, a
 * stream with a small pool of buffers the library fills in place, the stream's statistics, software trigger.
 * <p>
 * Threads: one thread opens, reads ({@link #next}) and closes; control calls ({@link #set}, {@link #get},
 * {@link #softwareTrigger}) may come from another thread (a PLC trigger) and are serialised with {@link #close}, so
 * that none runs on a camera already freed.
 */
public final class GigeCamera implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(GigeCamera.class);

    /**
     * Older SFNC names of the standard features: cameras made before SFNC 2.0 (and Aravis' fake camera) have
     * ExposureTimeAbs and GainRaw instead of ExposureTime and Gain. GainRaw is in the camera's raw units, not dB.
     */
    private static final Map<String, String> ALIASES = Map.of(
            "ExposureTime", "ExposureTimeAbs",
            "ExposureTimeAbs", "ExposureTime",
            "Gain", "GainRaw",
            "GainRaw", "Gain",
            "AcquisitionFrameRate", "AcquisitionFrameRateAbs",
            "AcquisitionFrameRateAbs", "AcquisitionFrameRate");

    // Aravis' ArvBufferStatus and ArvBufferPayloadType values
    private static final int BUFFER_SUCCESS = 0;
    private static final int PAYLOAD_IMAGE = 1;
    private static final int PAYLOAD_EXTENDED_CHUNK = 5;

    private final String id;
    private final Aravis.Api api;
    private final Object control = new Object();
    private Pointer camera;
    private Pointer device;
    private Pointer stream;
    private boolean closed;
    private Set<String> streamInfos = Set.of();

    private GigeCamera(String id, Aravis.Api api, Pointer camera) {
        this.id = id;
        this.api = api;
        this.camera = camera;
        this.device = api.arv_camera_get_device(camera);
    }

    /**
     * Opens the camera with this Aravis id: a device id as discovery lists it ({@code Aravis-Fake-GV01},
     * {@code Fake_1}), a serial number, or the camera's IP address.
     */
    public static GigeCamera open(String id) {
        Aravis.Api api = Aravis.api();
        if (id.startsWith("Fake")) {
            Aravis.enableFakeInterface();
        }
        PointerByReference err = new PointerByReference();
        Pointer cam = api.arv_camera_new(id, err);
        try {
            Aravis.check(err, "camera " + id + ": cannot open");
        } catch (GigeException e) {
            Aravis.unref(cam);
            throw new GigeException(e.getMessage() + " (is the camera on, reachable from this host and not opened "
                    + "by another program? GigE Vision cameras allow one controlling application)");
        }
        if (cam == null) {
            throw new GigeException("camera " + id + ": not found (no GigE Vision, USB3 Vision or fake camera "
                    + "with this id, serial number or address answered)");
        }
        return new GigeCamera(id, api, cam);
    }

    public String id() {
        return id;
    }

    /** Vendor and model, as the camera reports them. */
    public String describe() {
        synchronized (control) {
            ensureOpen();
            PointerByReference err = new PointerByReference();
            String vendor = api.arv_camera_get_vendor_name(camera, err);
            Aravis.check(err, "camera " + id);
            String model = api.arv_camera_get_model_name(camera, err);
            Aravis.check(err, "camera " + id);
            return vendor + " " + model;
        }
    }

    /**
     * Sets a GenICam feature by name from its text form (integers, floats, booleans {@code true/false}, enumeration
     * entries by name, strings). A feature the camera lacks under this name is tried under its older SFNC name
     * (ExposureTime/ExposureTimeAbs, Gain/GainRaw, AcquisitionFrameRate/AcquisitionFrameRateAbs).
     *
     * @return the name the camera took it under
     */
    public String set(String feature, String value) {
        synchronized (control) {
            ensureOpen();
            String name = resolve(feature);
            PointerByReference err = new PointerByReference();
            api.arv_gc_feature_node_set_value_from_string(api.arv_device_get_feature(device, name), value, err);
            try {
                Aravis.check(err, "camera " + id + ": cannot set GenICam feature " + name + "=" + value);
            } catch (GigeException e) {
                List<String> entries = Aravis.enumerationEntries(camera, name);
                if (entries.isEmpty() || entries.contains(value)) {
                    throw e;
                }
                throw new GigeException(
                        e.getMessage() + " (the camera's " + name + " entries: " + String.join(", ", entries) + ")");
            }
            if (!name.equals(feature)) {
                LOG.info("camera {}: {} set as {}={} (the camera's older SFNC name)", id, feature, name, value);
            }
            return name;
        }
    }

    /** A GenICam feature's value in text form (enumerations by entry name). */
    public String get(String feature) {
        synchronized (control) {
            ensureOpen();
            String name = resolve(feature);
            PointerByReference err = new PointerByReference();
            String v = api.arv_gc_feature_node_get_value_as_string(api.arv_device_get_feature(device, name), err);
            Aravis.check(err, "camera " + id + ": cannot read GenICam feature " + name);
            return v;
        }
    }

    /** True when the camera has this feature (under this name or its older SFNC name). */
    public boolean has(String feature) {
        synchronized (control) {
            ensureOpen();
            return node(feature) != null || (ALIASES.containsKey(feature) && node(ALIASES.get(feature)) != null);
        }
    }

    /** Executes a GenICam command feature (AcquisitionStart, TriggerSoftware, ...). */
    public void execute(String command) {
        synchronized (control) {
            ensureOpen();
            String name = resolve(command);
            PointerByReference err = new PointerByReference();
            api.arv_device_execute_command(device, name, err);
            Aravis.check(err, "camera " + id + ": cannot execute GenICam command " + name);
        }
    }

    /** Fires one software trigger (TriggerSoftware); the camera must be in TriggerMode=On, TriggerSource=Software. */
    public void softwareTrigger() {
        synchronized (control) {
            ensureOpen();
            PointerByReference err = new PointerByReference();
            api.arv_camera_software_trigger(camera, err);
            Aravis.check(err, "camera " + id + ": software trigger failed");
        }
    }

    private Pointer node(String name) {
        return api.arv_device_get_feature(device, name);
    }

    private String resolve(String feature) {
        if (feature == null || feature.isBlank()) {
            throw new GigeException("camera " + id + ": empty GenICam feature name");
        }
        if (node(feature) != null) {
            return feature;
        }
        String alias = ALIASES.get(feature);
        if (alias != null && node(alias) != null) {
            return alias;
        }
        throw new GigeException("camera " + id + " has no GenICam feature named " + feature
                + (alias == null ? "" : " (nor " + alias + ")")
                + "; feature names are case-sensitive, as in the camera's GenICam XML (arv-viewer-0.8 lists them)");
    }

    /**
     * Creates the stream with {@code buffers} buffers of the current payload size and starts acquisition. Aravis
     * fills the buffers in place (the GVSP packets land in them); {@link #next} lends one out and pushes it back.
     */
    public void startStreaming(int buffers) {
        synchronized (control) {
            ensureOpen();
            PointerByReference err = new PointerByReference();
            int payload = api.arv_camera_get_payload(camera, err);
            Aravis.check(err, "camera " + id + ": cannot read the payload size");
            stream = api.arv_camera_create_stream(camera, null, null, err);
            Aravis.check(err, "camera " + id + ": cannot create the stream");
            if (stream == null) {
                throw new GigeException("camera " + id + ": the stream could not be created (for a GigE Vision "
                        + "camera: is UDP from the camera to this host blocked by a firewall?)");
            }
            for (int i = 0; i < buffers; i++) {
                api.arv_stream_push_buffer(stream, api.arv_buffer_new_allocate(new NativeLong(payload)));
            }
            Set<String> infos = new HashSet<>();
            int n = api.arv_stream_get_n_infos(stream);
            for (int i = 0; i < n; i++) {
                infos.add(api.arv_stream_get_info_name(stream, i));
            }
            streamInfos = infos;
            api.arv_camera_start_acquisition(camera, err);
            Aravis.check(err, "camera " + id + ": cannot start acquisition");
        }
    }

    /** What {@link #next} lends out: the buffer's memory is valid only during the call. */
    @FunctionalInterface
    public interface BufferReader<T> {
        /**
         * @param data             the image, a view of Aravis' buffer (no copy)
         * @param pixelFormat      PFNC code of the image
         * @param systemTimeNanos  host time (ns since the epoch) at which the frame's first packet arrived
         * @param frameId          the camera's frame (block) id
         */
        T read(ByteBuffer data, int width, int height, int pixelFormat, long systemTimeNanos, long frameId);
    }

    /**
     * Waits up to {@code timeoutMs} for the next complete frame and lets {@code reader} read it in place; the buffer
     * then goes back to the stream. Incomplete frames (missing packets, timeouts) are skipped: the stream counts them
     * in its statistics. Null when no complete frame came in time.
     */
    public <T> T next(long timeoutMs, BufferReader<T> reader) {
        if (stream == null) {
            throw new GigeException("camera " + id + ": not streaming");
        }
        long end = System.nanoTime() + timeoutMs * 1_000_000;
        while (true) {
            long left = (end - System.nanoTime()) / 1000;
            if (left <= 0) {
                return null;
            }
            Pointer buffer = api.arv_stream_timeout_pop_buffer(stream, left);
            if (buffer == null) {
                return null;
            }
            try {
                int status = api.arv_buffer_get_status(buffer);
                int type = api.arv_buffer_get_payload_type(buffer);
                if (status != BUFFER_SUCCESS || (type != PAYLOAD_IMAGE && type != PAYLOAD_EXTENDED_CHUNK)) {
                    continue;
                }
                NativeLongByReference size = new NativeLongByReference();
                Pointer data = api.arv_buffer_get_data(buffer, size);
                ByteBuffer view = data.getByteBuffer(0, size.getValue().longValue());
                return reader.read(
                        view,
                        api.arv_buffer_get_image_width(buffer),
                        api.arv_buffer_get_image_height(buffer),
                        api.arv_buffer_get_image_pixel_format(buffer),
                        api.arv_buffer_get_system_timestamp(buffer),
                        api.arv_buffer_get_frame_id(buffer));
            } finally {
                api.arv_stream_push_buffer(stream, buffer);
            }
        }
    }

    /** The stream's counters since it was created; zeros before streaming. */
    public StreamStatistics statistics() {
        synchronized (control) {
            if (stream == null || closed) {
                return StreamStatistics.NONE;
            }
            LongByReference completed = new LongByReference();
            LongByReference failures = new LongByReference();
            LongByReference underruns = new LongByReference();
            api.arv_stream_get_statistics(stream, completed, failures, underruns);
            return new StreamStatistics(
                    completed.getValue(),
                    failures.getValue(),
                    underruns.getValue(),
                    info("n_missing_packets"),
                    info("n_resent_packets"));
        }
    }

    private long info(String name) {
        return streamInfos.contains(name) ? api.arv_stream_get_info_uint64_by_name(stream, name) : 0;
    }

    private void ensureOpen() {
        if (closed) {
            throw new GigeException("camera " + id + " is closed");
        }
    }

    @Override
    public void close() {
        synchronized (control) {
            if (closed) {
                return;
            }
            closed = true;
            if (stream != null) {
                PointerByReference err = new PointerByReference();
                api.arv_camera_stop_acquisition(camera, err);
                if (err.getValue() != null) {
                    try {
                        Aravis.check(err, "camera " + id + ": stop acquisition");
                    } catch (GigeException e) {
                        // a camera that went away cannot stop; the stream is freed all the same
                        LOG.debug("{}", e.getMessage());
                    }
                }
                Aravis.unref(stream);
                stream = null;
            }
            Aravis.unref(camera);
            camera = null;
            device = null;
        }
    }
}
