using System.Globalization;
using System.Text;

namespace ResourceMap.Tests.Infrastructure;

/// <summary>
/// A Mapbox Vector Tile decoded into what a client sees: per layer, its features in order with id, geometry type and
/// commands, and properties by key with their value type (uint, sint, int, double, float, string, bool); with the
/// layer's table of values as "type:value". Two tiles that decode equal show the same map whatever order their key and
/// value tables were written in.
/// </summary>
public static class MvtTile
{
    public sealed record Feature(ulong? Id, int Type, string Geometry, string Properties);
    public sealed record Layer(string Name, uint Extent, uint Version, IReadOnlyList<Feature> Features, IReadOnlyList<string> Values);

    /// <summary>Both tiles hold the same layers with the same features, in the same order.</summary>
    public static void AssertSame(byte[] expected, byte[] actual)
    {
        var (e, a) = (Decode(expected), Decode(actual));
        Assert.Equal(e.Select(l => (l.Name, l.Extent, l.Version, l.Features.Count)), a.Select(l => (l.Name, l.Extent, l.Version, l.Features.Count)));
        for (var i = 0; i < e.Count; i++) Assert.Equal(e[i].Features, a[i].Features);
    }

    public static IReadOnlyList<Layer> Decode(byte[] tile)
    {
        var layers = new List<Layer>();
        var reader = new Reader(tile, 0, tile.Length);
        while (reader.More)
        {
            var (field, wire) = reader.Tag();
            if (field == 3) layers.Add(DecodeLayer(reader.Message()));
            else reader.Skip(wire);
        }
        return layers;
    }

    static Layer DecodeLayer(Reader reader)
    {
        string name = ""; uint extent = 4096, version = 1;
        var keys = new List<string>();
        var values = new List<string>();
        var raw = new List<Reader>();
        while (reader.More)
        {
            var (field, wire) = reader.Tag();
            switch (field)
            {
                case 1: name = reader.Text(); break;
                case 2: raw.Add(reader.Message()); break;
                case 3: keys.Add(reader.Text()); break;
                case 4: values.Add(DecodeValue(reader.Message())); break;
                case 5: extent = (uint)reader.Varint(); break;
                case 15: version = (uint)reader.Varint(); break;
                default: reader.Skip(wire); break;
            }
        }
        return new Layer(name, extent, version, raw.Select(f => DecodeFeature(f, keys, values)).ToList(), values);
    }

    static Feature DecodeFeature(Reader reader, List<string> keys, List<string> values)
    {
        ulong? id = null; var type = 0;
        var tags = new List<ulong>();
        var geometry = new List<ulong>();
        while (reader.More)
        {
            var (field, wire) = reader.Tag();
            switch (field)
            {
                case 1: id = reader.Varint(); break;
                case 2: tags.AddRange(reader.Packed()); break;
                case 3: type = (int)reader.Varint(); break;
                case 4: geometry.AddRange(reader.Packed()); break;
                default: reader.Skip(wire); break;
            }
        }
        var properties = new SortedDictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i + 1 < tags.Count; i += 2)
            properties.Add(keys[(int)tags[i]], values[(int)tags[i + 1]]);
        return new Feature(id, type, string.Join(' ', geometry),
            string.Join("; ", properties.Select(p => $"{p.Key}={p.Value}")));
    }

    static string DecodeValue(Reader reader)
    {
        var value = "";
        while (reader.More)
        {
            var (field, wire) = reader.Tag();
            value = field switch
            {
                1 => "string:" + reader.Text(),
                2 => "float:" + BitConverter.Int32BitsToSingle((int)reader.Fixed(4)).ToString("R", CultureInfo.InvariantCulture),
                3 => "double:" + BitConverter.Int64BitsToDouble((long)reader.Fixed(8)).ToString("R", CultureInfo.InvariantCulture),
                4 => "int:" + ((long)reader.Varint()).ToString(CultureInfo.InvariantCulture),
                5 => "uint:" + reader.Varint().ToString(CultureInfo.InvariantCulture),
                6 => "sint:" + Zigzag(reader.Varint()).ToString(CultureInfo.InvariantCulture),
                7 => "bool:" + (reader.Varint() != 0),
                _ => Skipped(reader, wire, value),
            };
        }
        return value;
    }

    static string Skipped(Reader reader, int wire, string value) { reader.Skip(wire); return value; }
    static long Zigzag(ulong v) => (long)(v >> 1) ^ -(long)(v & 1);

    sealed class Reader(byte[] bytes, int position, int end)
    {
        public bool More => position < end;

        public ulong Varint()
        {
            ulong value = 0;
            for (var shift = 0; ; shift += 7)
            {
                var b = bytes[position++];
                value |= (ulong)(b & 0x7f) << shift;
                if (b < 0x80) return value;
            }
        }

        public (int Field, int Wire) Tag() { var tag = Varint(); return ((int)(tag >> 3), (int)(tag & 7)); }

        public ulong Fixed(int size)
        {
            ulong value = 0;
            for (var i = 0; i < size; i++) value |= (ulong)bytes[position++] << (8 * i);
            return value;
        }

        public Reader Message()
        {
            var length = (int)Varint();
            var message = new Reader(bytes, position, position + length);
            position += length;
            return message;
        }

        public string Text()
        {
            var length = (int)Varint();
            var text = Encoding.UTF8.GetString(bytes, position, length);
            position += length;
            return text;
        }

        public IEnumerable<ulong> Packed()
        {
            var inner = Message();
            var values = new List<ulong>();
            while (inner.More) values.Add(inner.Varint());
            return values;
        }

        public void Skip(int wire)
        {
            switch (wire)
            {
                case 0: Varint(); break;
                case 1: position += 8; break;
                case 2: position += (int)Varint(); break;
                case 5: position += 4; break;
                default: throw new InvalidDataException($"wire type {wire}");
            }
        }
    }
}
