package dev.livecode.http.internal;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.GZIPOutputStream;

/**
 * The playground page and its files, read from this library's own resources: {@code GET /} is the
 * page, {@code /playground/{file}} its scripts and styles, {@code /playground/vendor/{pkg}/{file}}
 * the editor's modules (unpacked from WebJars at build time).
 *
 * <p>A file is found only by names that cannot leave the resource folder: each path segment must
 * match {@link #NAME}, which admits no slash, backslash, percent sign or leading dot, so {@code
 * ..}, encoded dots and absolute paths are 404 before any lookup. The Content-Security-Policy lets
 * the page run only this server's scripts and styles and talk only to this server: the page may
 * hold an API key, so injected markup must not be able to run script or send it elsewhere.
 */
public final class Playground {
  static final String BASE = "dev/livecode/http/playground/";

  /** A file or folder name: letters, digits, {@code _ - .}, never starting with a dot. */
  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,100}");

  private static final Pattern IMPORT_MAP =
      Pattern.compile("<script type=\"importmap\">(.*?)</script>", Pattern.DOTALL);

  private static final Map<String, String> TYPES =
      Map.of(
          "html", "text/html; charset=utf-8",
          "js", "text/javascript; charset=utf-8",
          "css", "text/css; charset=utf-8",
          "svg", "image/svg+xml");

  /** The page's files change with the server; the vendor folders carry their version. */
  static final String REVALIDATE = "no-cache";

  static final String IMMUTABLE = "public, max-age=31536000, immutable";

  private final ClassLoader loader;
  private final Map<String, Asset> assets = new ConcurrentHashMap<>();

  /** A file as served: its bytes, gzipped once when that is smaller, and its headers. */
  private record Asset(byte[] plain, Optional<byte[]> gzip, Map<String, String> headers) {}

  public Playground() {
    this.loader = Playground.class.getClassLoader();
  }

  /** Adds the page's routes to {@code router}. */
  public Router addTo(Router router) {
    return router
        .add("GET", "/", request -> serve(request, "index.html", REVALIDATE))
        .add(
            "GET",
            "/playground/:file",
            request -> serve(request, name(request, "file"), REVALIDATE))
        .add(
            "GET",
            "/playground/vendor/:pkg/:file",
            request ->
                serve(
                    request,
                    "vendor/" + name(request, "pkg") + "/" + name(request, "file"),
                    IMMUTABLE));
  }

  /** The route templates that need no API key: the page must load before it can ask for one. */
  static boolean isOpen(String template) {
    return template.equals("/")
        || template.equals("/playground/{file}")
        || template.equals("/playground/vendor/{pkg}/{file}");
  }

  private static String name(Request request, String param) {
    String name = request.pathParam(param);
    if (!NAME.matcher(name).matches() || name.contains("..")) {
      throw notFound();
    }
    return name;
  }

  private Response serve(Request request, String path, String cacheControl) {
    Asset asset = assets.get(path);
    if (asset == null) {
      // Only files found are kept: a miss is not, so that made-up names cost no memory.
      asset = load(path, cacheControl).orElseThrow(Playground::notFound);
      assets.putIfAbsent(path, asset);
    }
    boolean gzip =
        asset.gzip().isPresent()
            && request
                .header("Accept-Encoding")
                .map(v -> v.toLowerCase(Locale.ROOT).contains("gzip"))
                .orElse(false);
    Response response =
        new Response(
            200,
            gzip ? asset.gzip().get() : asset.plain(),
            asset.headers().get("Content-Type"),
            asset.headers());
    return gzip ? response.withHeader("Content-Encoding", "gzip") : response;
  }

  private Optional<Asset> load(String path, String cacheControl) {
    int dot = path.lastIndexOf('.');
    String type = dot < 0 ? null : TYPES.get(path.substring(dot + 1));
    if (type == null) {
      return Optional.empty();
    }
    byte[] bytes;
    try (InputStream in = loader.getResourceAsStream(BASE + path)) {
      if (in == null) {
        return Optional.empty();
      }
      bytes = in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read playground file " + path, e);
    }
    Map<String, String> headers = new LinkedHashMap<>();
    headers.put("Content-Type", type);
    headers.put("Cache-Control", cacheControl);
    headers.put("Vary", "Accept-Encoding");
    headers.put("X-Content-Type-Options", "nosniff");
    headers.put("Referrer-Policy", "no-referrer");
    headers.put("Cross-Origin-Opener-Policy", "same-origin");
    headers.put("X-Frame-Options", "DENY");
    headers.put("Content-Security-Policy", contentSecurityPolicy(bytes, path));
    byte[] gzip = gzip(bytes);
    return Optional.of(
        new Asset(
            bytes,
            gzip.length < bytes.length ? Optional.of(gzip) : Optional.empty(),
            Map.copyOf(headers)));
  }

  /**
   * Only this server's scripts, styles and API; the page's one inline script, its import map
   * (browsers read no import map from a file), is allowed by its hash.
   */
  static String contentSecurityPolicy(byte[] file, String path) {
    String scripts = "'self'";
    if (path.endsWith(".html")) {
      Matcher importMap = IMPORT_MAP.matcher(new String(file, StandardCharsets.UTF_8));
      if (importMap.find()) {
        scripts += " 'sha256-" + sha256(importMap.group(1)) + "'";
      }
    }
    return "default-src 'none'; script-src "
        + scripts
        + "; style-src 'self'; connect-src 'self'; img-src 'self' data:; font-src 'self';"
        + " base-uri 'none'; form-action 'none'; frame-ancestors 'none'";
  }

  private static String sha256(String text) {
    try {
      return Base64.getEncoder()
          .encodeToString(
              MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    }
  }

  private static byte[] gzip(byte[] bytes) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(bytes.length / 3 + 64);
    try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
      gz.write(bytes);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  private static ApiException notFound() {
    return new ApiException(404, "NOT_FOUND", "no such playground file");
  }
}
