package agb;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Rich output from Java cells, imported in every cell: each call is one display_data result.
 *
 * <pre>
 * Display.html("&lt;b&gt;bold&lt;/b&gt;");            Display.markdown("# Title");
 * Display.svg("&lt;svg ...&gt;&lt;/svg&gt;");             Display.png(bytes);  Display.jpeg(bytes);
 * Display.image(bufferedImage);               Display.json("{\"a\": 1}");  Display.json(Map.of("a", 1));
 * Display.latex("\\frac{1}{2}");              Display.vegaLite(specJson);  Display.text(anything);
 * Display.bundle(Map.of("text/html", "&lt;i&gt;x&lt;/i&gt;", "text/plain", "x"));
 * display(anything);                          // statically imported: like Display.text
 * </pre>
 */
public final class Display {
    private Display() {
    }

    public static void html(String html) {
        show("text/html", html, "<HTML>");
    }

    public static void markdown(String markdown) {
        show("text/markdown", markdown, markdown);
    }

    public static void svg(String svg) {
        show("image/svg+xml", svg, "<SVG image>");
    }

    public static void latex(String latex) {
        show("text/latex", latex, latex);
    }

    public static void png(byte[] png) {
        show("image/png", Base64.getEncoder().encodeToString(png), "<PNG image, " + png.length + " bytes>");
    }

    public static void jpeg(byte[] jpeg) {
        show("image/jpeg", Base64.getEncoder().encodeToString(jpeg), "<JPEG image, " + jpeg.length + " bytes>");
    }

    /** A java.awt image (e.g. a BufferedImage you drew on), as PNG. */
    public static void image(java.awt.image.RenderedImage image) {
        ByteArrayOutputStream png = new ByteArrayOutputStream();
        try {
            javax.imageio.ImageIO.write(image, "png", png);
        } catch (IOException failed) {
            throw new UncheckedIOException(failed);
        }
        png(png.toByteArray());
    }

    /** JSON text (checked: invalid JSON throws IllegalArgumentException). */
    public static void json(String json) {
        Object value = Protocol.parse(json);
        show("application/json", value, Protocol.toJson(value));
    }

    /** Maps, lists, arrays, strings, numbers, booleans and null, as JSON. */
    public static void json(Object value) {
        if (value instanceof String text) {
            json(text);
            return;
        }
        Object checked = Protocol.parse(Protocol.toJson(value));
        show("application/json", checked, Protocol.toJson(checked));
    }

    /** A Vega-Lite (v5) chart specification, as JSON text. */
    public static void vegaLite(String spec) {
        show("application/vnd.vegalite.v5+json", Protocol.parse(spec), "<Vega-Lite chart>");
    }

    /** Plain text: the object's toString (arrays as in JShell). */
    public static void text(Object value) {
        bundle(Map.of("text/plain", plain(value)));
    }

    /** Any MIME bundle: values are text (binary types base64), or JSON values for the JSON types. */
    public static void bundle(Map<String, ?> data) {
        Map<String, Object> copy = new LinkedHashMap<>();
        for (Map.Entry<String, ?> entry : data.entrySet()) {
            Object value = entry.getValue();
            if (value instanceof byte[] bytes)
                value = Base64.getEncoder().encodeToString(bytes);
            else if (entry.getKey().endsWith("json") && value instanceof String text)
                value = Protocol.parse(text);
            else if (!(value instanceof String) && !entry.getKey().endsWith("json"))
                value = String.valueOf(value);
            copy.put(entry.getKey(), value);
        }
        Protocol.send(Protocol.message("display_data", "data", copy, "metadata", Map.of()));
    }

    /** display(x): Display.text(x), for the function-call habit of notebooks. */
    public static void display(Object value) {
        text(value);
    }

    private static void show(String mime, Object value, String plain) {
        if (value == null)
            throw new NullPointerException(mime + " content is null");
        Map<String, Object> data = new LinkedHashMap<>();
        data.put(mime, value);
        data.put("text/plain", plain);
        Protocol.send(Protocol.message("display_data", "data", data, "metadata", Map.of()));
    }

    private static String plain(Object value) {
        if (value instanceof Object[] array)
            return java.util.Arrays.deepToString(array);
        if (value != null && value.getClass().isArray()) {
            StringBuilder text = new StringBuilder("[");
            int length = java.lang.reflect.Array.getLength(value);
            for (int i = 0; i < length; i++)
                text.append(i == 0 ? "" : ", ").append(java.lang.reflect.Array.get(value, i));
            return text.append(']').toString();
        }
        return String.valueOf(value);
    }
}
