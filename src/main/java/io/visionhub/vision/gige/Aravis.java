package io.visionhub.vision.gige;

import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.NativeLong;
import com.sun.jna.Pointer;
import com.sun.jna.ptr.IntByReference;
import com.sun.jna.ptr.LongByReference;
import com.sun.jna.ptr.NativeLongByReference;
import com.sun.jna.ptr.PointerByReference;
import java.util.ArrayList;
import java.util.List;

/**
 * The part of Aravis' C API (libaravis-0.8, Debian package libaravis-0.8-0) that the hub uses, bound with JNA.
 * Everything else in this package goes through {@link #api()}; only this class knows the library's name.
 * Functions that take a {@code GError **} are given a {@link PointerByReference}; {@link #check} turns a set
 * error into an exception and frees it.
 */
public final class Aravis {

    /** The shared object that Debian's libaravis-0.8-0 installs. */
    public static final String LIBRARY = "libaravis-0.8.so.0";

    /** The C functions (names as in arv*.h of Aravis 0.8). */
    interface Api extends Library {
        void arv_enable_interface(String name);

        void arv_update_device_list();

        int arv_get_n_devices();

        String arv_get_device_id(int index);

        Pointer arv_camera_new(String name, PointerByReference error);

        Pointer arv_camera_get_device(Pointer camera);

        String arv_camera_get_model_name(Pointer camera, PointerByReference error);

        String arv_camera_get_vendor_name(Pointer camera, PointerByReference error);

        int arv_camera_get_payload(Pointer camera, PointerByReference error);

        Pointer arv_camera_create_stream(Pointer camera, Pointer callback, Pointer userData, PointerByReference error);

        void arv_camera_start_acquisition(Pointer camera, PointerByReference error);

        void arv_camera_stop_acquisition(Pointer camera, PointerByReference error);

        void arv_camera_software_trigger(Pointer camera, PointerByReference error);

        Pointer arv_camera_dup_available_enumerations_as_strings(
                Pointer camera, String feature, IntByReference nValues, PointerByReference error);

        /** ArvGcNode of the feature, owned by the device's GenICam document; NULL when the camera has none. */
        Pointer arv_device_get_feature(Pointer device, String feature);

        void arv_device_execute_command(Pointer device, String feature, PointerByReference error);

        void arv_gc_feature_node_set_value_from_string(Pointer node, String value, PointerByReference error);

        String arv_gc_feature_node_get_value_as_string(Pointer node, PointerByReference error);

        Pointer arv_buffer_new_allocate(NativeLong size);

        void arv_stream_push_buffer(Pointer stream, Pointer buffer);

        Pointer arv_stream_timeout_pop_buffer(Pointer stream, long timeoutMicros);

        void arv_stream_get_statistics(
                Pointer stream, LongByReference completed, LongByReference failures, LongByReference underruns);

        int arv_stream_get_n_infos(Pointer stream);

        String arv_stream_get_info_name(Pointer stream, int index);

        long arv_stream_get_info_uint64_by_name(Pointer stream, String name);

        int arv_buffer_get_status(Pointer buffer);

        int arv_buffer_get_payload_type(Pointer buffer);

        Pointer arv_buffer_get_data(Pointer buffer, NativeLongByReference size);

        int arv_buffer_get_image_width(Pointer buffer);

        int arv_buffer_get_image_height(Pointer buffer);

        int arv_buffer_get_image_pixel_format(Pointer buffer);

        long arv_buffer_get_system_timestamp(Pointer buffer);

        long arv_buffer_get_frame_id(Pointer buffer);
    }

    /** GLib's object and error functions (Aravis' objects are GObjects). */
    interface GLib extends Library {
        void g_object_unref(Pointer object);

        void g_error_free(Pointer error);

        void g_free(Pointer memory);
    }

    private static final Api API;
    private static final GLib GOBJECT;
    private static final GLib GLIB;
    private static final String PROBLEM;

    static {
        Api api = null;
        GLib gobject = null;
        GLib glib = null;
        String problem = null;
        try {
            api = Native.load(LIBRARY, Api.class);
            gobject = Native.load("libgobject-2.0.so.0", GLib.class);
            glib = Native.load("libglib-2.0.so.0", GLib.class);
        } catch (UnsatisfiedLinkError | NoClassDefFoundError e) {
            problem = e.getMessage();
        }
        API = api;
        GOBJECT = gobject;
        GLIB = glib;
        PROBLEM = problem;
    }

    private Aravis() {}

    /** True when libaravis-0.8 could be loaded on this machine. */
    public static boolean available() {
        return API != null;
    }

    /** Why libaravis-0.8 could not be loaded, or null when it was. */
    public static String unavailableReason() {
        return API != null
                ? null
                : LIBRARY + " (Aravis, GigE Vision / GenICam) cannot be loaded: " + PROBLEM
                        + "; install the Debian package libaravis-0.8-0 (apt-get install libaravis-0.8-0)";
    }

    static Api api() {
        if (API == null) {
            throw new GigeException(unavailableReason());
        }
        return API;
    }

    static void unref(Pointer object) {
        if (object != null) {
            GOBJECT.g_object_unref(object);
        }
    }

    /** Throws a {@link GigeException} with {@code what} and the GError's message when one was set, freeing it. */
    /**
     * The entry names of an enumeration feature (TriggerSource: Line0, Software, ...); empty when the feature is
     * not an enumeration or the camera does not say.
     */
    static List<String> enumerationEntries(Pointer camera, String feature) {
        IntByReference n = new IntByReference();
        PointerByReference err = new PointerByReference();
        Pointer values = API.arv_camera_dup_available_enumerations_as_strings(camera, feature, n, err);
        if (err.getValue() != null) {
            GLIB.g_error_free(err.getValue());
            return List.of();
        }
        if (values == null) {
            return List.of();
        }
        List<String> out = new ArrayList<>();
        for (int i = 0; i < n.getValue(); i++) {
            Pointer s = values.getPointer((long) i * Native.POINTER_SIZE);
            if (s != null) {
                out.add(s.getString(0));
            }
        }
        GLIB.g_free(values); // the array is ours, the strings are the GenICam document's
        return out;
    }

    static void check(PointerByReference error, String what) {
        Pointer e = error.getValue();
        if (e == null) {
            return;
        }
        // struct GError { GQuark domain; gint code; gchar *message; }
        String message =
                e.getPointer(8) == null ? "unknown error" : e.getPointer(8).getString(0);
        GLIB.g_error_free(e);
        error.setValue(null);
        throw new GigeException(what + ": " + message);
    }

    private static volatile boolean fakeEnabled;

    /** Makes Aravis' in-process fake camera ("Fake_1") visible; for tests and try-outs without a camera. */
    public static synchronized void enableFakeInterface() {
        if (!fakeEnabled) {
            api().arv_enable_interface("Fake");
            fakeEnabled = true;
        }
    }

    /** Ids of the cameras Aravis finds now (GigE Vision discovery, USB3 Vision, the fake one where enabled). */
    public static synchronized java.util.List<String> deviceIds() {
        Api a = api();
        a.arv_update_device_list();
        int n = a.arv_get_n_devices();
        java.util.List<String> ids = new java.util.ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            ids.add(a.arv_get_device_id(i));
        }
        return ids;
    }
}
