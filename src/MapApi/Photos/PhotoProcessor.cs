using System.Globalization;
using MetadataExtractor;
using MetadataExtractor.Formats.Exif;
using ResourceMap.Api.Infrastructure;
using SkiaSharp;

namespace ResourceMap.Api.Photos;

/// <summary>What the camera recorded (private: used to pre-fill the report, never served).</summary>
public sealed record PhotoExif(DateTime? TakenAtUtc, double? Lon, double? Lat);

/// <summary>A checked photo, re-encoded without any metadata: the served full-size copy and its thumbnail.</summary>
public sealed record ProcessedPhoto(string ContentType, string Extension, byte[] Full, byte[] Thumb, int Width, int Height, PhotoExif Exif);

public sealed class PhotoRejected(string message) : Exception(message);

/// <summary>
/// Accepts JPEG and PNG only, reads EXIF (GPS, time taken) with MetadataExtractor, and re-encodes with SkiaSharp:
/// Skia's encoders write pixels only, so no EXIF, GPS, maker notes or XMP survive into anything served.
/// </summary>
public static class PhotoProcessor
{
    public static string? Sniff(ReadOnlySpan<byte> head)
    {
        if (head.Length >= 3 && head[0] == 0xFF && head[1] == 0xD8 && head[2] == 0xFF) return "image/jpeg";
        if (head.Length >= 8 && head[..8].SequenceEqual(new byte[] { 0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A })) return "image/png";
        return null;
    }

    /// <summary>Names what a refused file is, in the user's terms.</summary>
    public static string Describe(ReadOnlySpan<byte> head)
    {
        if (head.Length >= 12 && head[4..8].SequenceEqual("ftyp"u8))
        {
            var brand = System.Text.Encoding.ASCII.GetString(head[8..12]);
            if (brand is "heic" or "heix" or "hevc" or "heim" or "heis" or "mif1" or "msf1") return "a HEIC/HEIF photo (the iPhone's default format)";
            if (brand is "avif" or "avis") return "an AVIF image";
            return "a video or MP4-family file";
        }
        if (head.Length >= 12 && head[..4].SequenceEqual("RIFF"u8) && head[8..12].SequenceEqual("WEBP"u8)) return "a WebP image";
        if (head.Length >= 6 && head[..3].SequenceEqual("GIF"u8)) return "a GIF image";
        if (head.Length >= 4 && (head[..4].SequenceEqual(new byte[] { 0x49, 0x49, 0x2A, 0x00 }) || head[..4].SequenceEqual(new byte[] { 0x4D, 0x4D, 0x00, 0x2A }))) return "a TIFF or camera RAW file";
        if (head.Length >= 4 && head[..4].SequenceEqual("%PDF"u8)) return "a PDF document";
        return "not an image this service can read";
    }

    public static ProcessedPhoto Process(byte[] data, ResourceMapOptions options)
    {
        var type = Sniff(data) ?? throw new PhotoRejected(
            $"Only JPEG and PNG photos are accepted; this file is {Describe(data)}. HEIC/HEIF, WebP, GIF, TIFF/RAW and videos are refused: " +
            "choose JPEG on the phone (iPhone: Settings → Camera → Formats → Most Compatible) or send a screenshot as PNG.");
        var exif = ReadExif(data);

        using var codec = SKCodec.Create(new SKMemoryStream(data))
            ?? throw new PhotoRejected("The photo could not be read: the file is damaged or not really a JPEG/PNG.");
        var info = codec.Info;
        if ((long)info.Width * info.Height > options.PhotoMaxPixels)
            throw new PhotoRejected($"The photo is {info.Width}×{info.Height} pixels; at most {options.PhotoMaxPixels / 1_000_000} megapixels are accepted.");
        using var decoded = SKBitmap.Decode(codec)
            ?? throw new PhotoRejected("The photo could not be decoded: the file is damaged or not really a JPEG/PNG.");
        using var upright = Orient(decoded, codec.EncodedOrigin);

        var format = type == "image/png" ? SKEncodedImageFormat.Png : SKEncodedImageFormat.Jpeg;
        var (full, w, h) = Encode(upright, options.PhotoFullSide, format);
        var (thumb, _, _) = Encode(upright, options.PhotoThumbSide, format);
        return new ProcessedPhoto(type, type == "image/png" ? "png" : "jpg", full, thumb, w, h, exif);
    }

    static (byte[] Bytes, int Width, int Height) Encode(SKBitmap source, int maxSide, SKEncodedImageFormat format)
    {
        var scale = Math.Min(1.0, (double)maxSide / Math.Max(source.Width, source.Height));
        var w = Math.Max(1, (int)Math.Round(source.Width * scale));
        var h = Math.Max(1, (int)Math.Round(source.Height * scale));
        using var resized = scale < 1 ? source.Resize(new SKImageInfo(w, h), new SKSamplingOptions(SKCubicResampler.Mitchell)) : source.Copy();
        using var image = SKImage.FromBitmap(resized);
        using var encoded = image.Encode(format, 85);
        return (encoded.ToArray(), w, h);
    }

    /// <summary>Applies the EXIF orientation to the pixels (the served copy has no EXIF to carry it).</summary>
    static SKBitmap Orient(SKBitmap bitmap, SKEncodedOrigin origin)
    {
        if (origin is SKEncodedOrigin.TopLeft or SKEncodedOrigin.Default) return bitmap.Copy();
        var swap = origin is SKEncodedOrigin.LeftTop or SKEncodedOrigin.RightTop or SKEncodedOrigin.RightBottom or SKEncodedOrigin.LeftBottom;
        var result = new SKBitmap(swap ? bitmap.Height : bitmap.Width, swap ? bitmap.Width : bitmap.Height);
        using var canvas = new SKCanvas(result);
        switch (origin)
        {
            case SKEncodedOrigin.BottomRight: canvas.RotateDegrees(180, bitmap.Width / 2f, bitmap.Height / 2f); break;
            case SKEncodedOrigin.RightTop: canvas.Translate(result.Width, 0); canvas.RotateDegrees(90); break;
            case SKEncodedOrigin.LeftBottom: canvas.Translate(0, result.Height); canvas.RotateDegrees(270); break;
            case SKEncodedOrigin.TopRight: canvas.Scale(-1, 1, bitmap.Width / 2f, 0); break;
            case SKEncodedOrigin.BottomLeft: canvas.Scale(1, -1, 0, bitmap.Height / 2f); break;
            default: break; // LeftTop/RightBottom (transpose) are rare; kept as decoded
        }
        using var image = SKImage.FromBitmap(bitmap);
        canvas.DrawImage(image, 0, 0, new SKSamplingOptions(SKFilterMode.Linear));
        return result;
    }

    public static PhotoExif ReadExif(byte[] data)
    {
        try
        {
            var dirs = ImageMetadataReader.ReadMetadata(new MemoryStream(data));
            double? lon = null, lat = null;
            if (dirs.OfType<GpsDirectory>().FirstOrDefault()?.GetGeoLocation() is { } geo && !geo.IsZero
                && geo.Longitude is >= -180 and <= 180 && geo.Latitude is >= -90 and <= 90)
                (lon, lat) = (geo.Longitude, geo.Latitude);
            DateTime? taken = null;
            var sub = dirs.OfType<ExifSubIfdDirectory>().FirstOrDefault();
            if (sub?.GetDescription(ExifDirectoryBase.TagDateTimeOriginal) is { } text
                && DateTime.TryParseExact(text, "yyyy:MM:dd HH:mm:ss", CultureInfo.InvariantCulture, DateTimeStyles.None, out var local))
            {
                // Cameras write local time without a zone; the offset tag says which, else Vietnam (UTC+7).
                var offset = sub.GetDescription(0x9011 /* OffsetTimeOriginal */) is { } o && TimeSpan.TryParse(o.TrimStart('+', '-'), CultureInfo.InvariantCulture, out var span)
                    ? (o.StartsWith('-') ? -span : span) : TimeSpan.FromHours(7);
                taken = DateTime.SpecifyKind(local - offset, DateTimeKind.Utc);
            }
            return new PhotoExif(taken, lon, lat);
        }
        catch (Exception e) when (e is ImageProcessingException or IOException or ArgumentException or FormatException)
        {
            return new PhotoExif(null, null, null);
        }
    }
}
