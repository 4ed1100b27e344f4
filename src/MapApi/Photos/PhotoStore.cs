using ResourceMap.Api.Infrastructure;

namespace ResourceMap.Api.Photos;

/// <summary>Where photo files live. Keys are relative names such as "12/5f0c…-full.jpg"; an S3-compatible store can implement this later.</summary>
public interface IPhotoStore
{
    Task SaveAsync(string key, ReadOnlyMemory<byte> content, CancellationToken ct);
    /// <summary>The file, or null when it is missing.</summary>
    Task<Stream?> OpenReadAsync(string key, CancellationToken ct);
    Task DeleteAsync(string key, CancellationToken ct);
}

/// <summary>Photos as files under RESOURCEMAP_PHOTO_DIR (default .local/photos, outside git).</summary>
public sealed class FileSystemPhotoStore(ResourceMapOptions options) : IPhotoStore
{
    readonly string root = Path.GetFullPath(options.PhotoDirectory);

    string PathOf(string key)
    {
        var path = Path.GetFullPath(Path.Combine(root, key));
        // Keys are built by the API, never taken from input; still, nothing outside the root is ever touched.
        if (!path.StartsWith(root + Path.DirectorySeparatorChar, StringComparison.Ordinal))
            throw new ArgumentException("Photo key outside the photo directory.", nameof(key));
        return path;
    }

    public async Task SaveAsync(string key, ReadOnlyMemory<byte> content, CancellationToken ct)
    {
        var path = PathOf(key);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        // Write then rename, so a reader never sees half a file.
        var temp = path + ".tmp-" + Guid.NewGuid().ToString("N");
        await File.WriteAllBytesAsync(temp, content.ToArray(), ct);
        File.Move(temp, path, overwrite: true);
    }

    public Task<Stream?> OpenReadAsync(string key, CancellationToken ct)
    {
        var path = PathOf(key);
        return Task.FromResult<Stream?>(File.Exists(path) ? new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 64 * 1024, useAsync: true) : null);
    }

    public Task DeleteAsync(string key, CancellationToken ct)
    {
        var path = PathOf(key);
        if (File.Exists(path)) File.Delete(path);
        return Task.CompletedTask;
    }
}
