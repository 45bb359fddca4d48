using System;
using System.IO;
using System.Text;

namespace NetTricks.Cli.Inputs;

/// <summary>Text read from disk, with what is needed to write it back the same way.</summary>
internal sealed record SourceFileText(string Text, Encoding Encoding);

/// <summary>Reads source files defensively: unreadable, binary or undecodable files give a message, never an exception.</summary>
internal static class SourceReader
{
    public static SourceFileText? TryRead(string path, out string? error)
    {
        error = null;
        byte[] bytes;
        try
        {
            if (Directory.Exists(path))
            {
                error = "is a directory, not a file";
                return null;
            }

            var info = new FileInfo(path);
            if (info.LinkTarget is not null && info.ResolveLinkTarget(returnFinalTarget: true) is { Exists: false })
            {
                error = $"is a broken symbolic link (its target '{info.LinkTarget}' does not exist)";
                return null;
            }

            if (!info.Exists)
            {
                error = "does not exist";
                return null;
            }

            bytes = File.ReadAllBytes(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or NotSupportedException or ArgumentException or System.Security.SecurityException)
        {
            error = "could not be read: " + e.Message;
            return null;
        }

        return Decode(bytes, out error);
    }

    public static SourceFileText? Decode(byte[] bytes, out string? error)
    {
        error = null;
        // UTF-16 text has NUL bytes for ASCII: recognise it by its byte order mark before the binary check.
        if (bytes.Length >= 2 && ((bytes[0] == 0xFF && bytes[1] == 0xFE) || (bytes[0] == 0xFE && bytes[1] == 0xFF)))
        {
            var unicode = bytes[0] == 0xFF ? new UnicodeEncoding(bigEndian: false, byteOrderMark: true) : new UnicodeEncoding(bigEndian: true, byteOrderMark: true);
            var decoded = unicode.GetString(bytes, 2, bytes.Length - 2);
            if (decoded.IndexOf('\0') >= 0)
            {
                error = "is a binary file (it contains NUL characters), not source text";
                return null;
            }

            return new SourceFileText(decoded, unicode);
        }

        if (Array.IndexOf(bytes, (byte)0) >= 0)
        {
            error = "is a binary file (it contains NUL bytes), not source text";
            return null;
        }

        var bom = bytes.Length >= 3 && bytes[0] == 0xEF && bytes[1] == 0xBB && bytes[2] == 0xBF;
        var offset = bom ? 3 : 0;
        try
        {
            var strict = new UTF8Encoding(encoderShouldEmitUTF8Identifier: bom, throwOnInvalidBytes: true);
            return new SourceFileText(strict.GetString(bytes, offset, bytes.Length - offset), new UTF8Encoding(bom));
        }
        catch (DecoderFallbackException)
        {
            // Not UTF-8: most likely a legacy single-byte code page. Latin-1 maps every byte, so positions stay right.
            return new SourceFileText(Encoding.Latin1.GetString(bytes), Encoding.Latin1);
        }
    }

    /// <summary>Writes text with the file's original encoding (and byte order mark, if it had one).</summary>
    public static void Write(string path, string text, Encoding encoding)
    {
        var preamble = encoding.GetPreamble();
        using var stream = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None);
        stream.Write(preamble, 0, preamble.Length);
        var body = encoding.GetBytes(text);
        stream.Write(body, 0, body.Length);
    }
}
