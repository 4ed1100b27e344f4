using System.Buffers.Binary;
using System.Text;
using SkiaSharp;

namespace ResourceMap.Tests.Photos;

/// <summary>Real photos for tests: drawn with SkiaSharp, with an EXIF APP1 segment (GPS, time taken) built by hand.</summary>
public static class TestImages
{
    public static byte[] Jpeg(int width = 800, int height = 600, SKColor? colour = null)
    {
        using var bitmap = new SKBitmap(width, height);
        using (var canvas = new SKCanvas(bitmap))
        {
            canvas.Clear(colour ?? new SKColor(40, 120, 60));
            using var paint = new SKPaint { Color = SKColors.Gold };
            canvas.DrawCircle(width / 2f, height / 2f, Math.Min(width, height) / 4f, paint);
        }
        using var image = SKImage.FromBitmap(bitmap);
        return image.Encode(SKEncodedImageFormat.Jpeg, 90).ToArray();
    }

    /// <summary>A JPEG of random pixels: compresses badly, so a few megapixels make a file of several MB.</summary>
    public static byte[] NoiseJpeg(int width, int height)
    {
        var random = new Random(8);
        using var bitmap = new SKBitmap(width, height);
        var pixels = new byte[width * height * 4];
        random.NextBytes(pixels);
        for (var i = 3; i < pixels.Length; i += 4) pixels[i] = 255;
        System.Runtime.InteropServices.Marshal.Copy(pixels, 0, bitmap.GetPixels(), pixels.Length);
        using var image = SKImage.FromBitmap(bitmap);
        return image.Encode(SKEncodedImageFormat.Jpeg, 100).ToArray();
    }

    public static byte[] Png(int width = 400, int height = 300)
    {
        using var bitmap = new SKBitmap(width, height);
        using (var canvas = new SKCanvas(bitmap)) canvas.Clear(new SKColor(200, 30, 30));
        using var image = SKImage.FromBitmap(bitmap);
        return image.Encode(SKEncodedImageFormat.Png, 100).ToArray();
    }

    /// <summary>The JPEG with an APP1 Exif segment right after SOI: GPS latitude/longitude and DateTimeOriginal ("yyyy:MM:dd HH:mm:ss").</summary>
    public static byte[] WithExif(byte[] jpeg, double lat, double lon, string dateTimeOriginal)
    {
        // TIFF, big-endian. Layout: header(8) | IFD0 (2 entries) | Exif IFD (1 entry) | GPS IFD (4 entries) | data.
        const int ifd0 = 8, ifd0Size = 2 + 2 * 12 + 4;
        const int exifIfd = ifd0 + ifd0Size, exifSize = 2 + 12 + 4;
        const int gpsIfd = exifIfd + exifSize, gpsSize = 2 + 4 * 12 + 4;
        const int dateAt = gpsIfd + gpsSize, latAt = dateAt + 20, lonAt = latAt + 24, end = lonAt + 24;
        var t = new byte[end];
        "MM"u8.CopyTo(t);
        BinaryPrimitives.WriteUInt16BigEndian(t.AsSpan(2), 42);
        BinaryPrimitives.WriteUInt32BigEndian(t.AsSpan(4), ifd0);
        void Entry(int at, ushort tag, ushort type, uint count, uint value)
        {
            BinaryPrimitives.WriteUInt16BigEndian(t.AsSpan(at), tag);
            BinaryPrimitives.WriteUInt16BigEndian(t.AsSpan(at + 2), type);
            BinaryPrimitives.WriteUInt32BigEndian(t.AsSpan(at + 4), count);
            BinaryPrimitives.WriteUInt32BigEndian(t.AsSpan(at + 8), value);
        }
        BinaryPrimitives.WriteUInt16BigEndian(t.AsSpan(ifd0), 2);
        Entry(ifd0 + 2, 0x8769, 4, 1, exifIfd);   // ExifIFDPointer
        Entry(ifd0 + 14, 0x8825, 4, 1, gpsIfd);   // GPSInfoIFDPointer
        BinaryPrimitives.WriteUInt16BigEndian(t.AsSpan(exifIfd), 1);
        Entry(exifIfd + 2, 0x9003, 2, 20, dateAt); // DateTimeOriginal, ASCII
        BinaryPrimitives.WriteUInt16BigEndian(t.AsSpan(gpsIfd), 4);
        Entry(gpsIfd + 2, 0x0001, 2, 2, (uint)((lat >= 0 ? 'N' : 'S') << 24));
        Entry(gpsIfd + 14, 0x0002, 5, 3, latAt);
        Entry(gpsIfd + 26, 0x0003, 2, 2, (uint)((lon >= 0 ? 'E' : 'W') << 24));
        Entry(gpsIfd + 38, 0x0004, 5, 3, lonAt);
        Encoding.ASCII.GetBytes(dateTimeOriginal + "\0").CopyTo(t, dateAt);
        WriteDms(t, latAt, Math.Abs(lat));
        WriteDms(t, lonAt, Math.Abs(lon));

        var app1 = new List<byte> { 0xFF, 0xE1, 0, 0 };
        app1.AddRange("Exif\0\0"u8.ToArray());
        app1.AddRange(t);
        var length = app1.Count - 2;
        app1[2] = (byte)(length >> 8); app1[3] = (byte)length;
        return [.. jpeg.AsSpan(0, 2), .. app1, .. jpeg.AsSpan(2)];
    }

    static void WriteDms(byte[] t, int at, double value)
    {
        var deg = Math.Floor(value);
        var min = Math.Floor((value - deg) * 60);
        var sec = Math.Round(((value - deg) * 60 - min) * 60 * 10000);
        uint[] parts = [(uint)deg, 1, (uint)min, 1, (uint)sec, 10000];
        for (var i = 0; i < 6; i++) BinaryPrimitives.WriteUInt32BigEndian(t.AsSpan(at + 4 * i), parts[i]);
    }
}
