using System.Collections.Generic;

namespace NetTricks.Analyzers.Benchmarks;

/// <summary>
/// Generates ordinary application code with no TorchSharp or ML.NET in sight: per module domain classes and records,
/// an in-memory repository queried with LINQ, a service with async methods, loops and exceptions, a CSV importer
/// (string handling, parsing) and a report builder. The index varies names, numbers and some shapes of the code.
/// </summary>
internal static class PlainCorpus
{
    private const string Usings = "using System;\nusing System.Collections.Generic;\nusing System.Globalization;\nusing System.Linq;\nusing System.Text;\nusing System.Threading;\nusing System.Threading.Tasks;\n";

    private static readonly string[] Entities = { "Customer", "Supplier", "Patient", "Student", "Vehicle", "Account", "Member", "Tenant" };
    private static readonly string[] Items = { "Order", "Invoice", "Visit", "Enrollment", "Trip", "Transfer", "Booking", "Lease" };

    public static List<SourceFile> Generate(int minimumLines)
    {
        var files = new List<SourceFile>();
        var lines = 0;
        for (var i = 0; lines < minimumLines; i++)
        {
            var ns = $"Corpus.Plain.M{i:D3}";
            var module = new Module(i);
            var moduleFiles = new[]
            {
                new SourceFile($"/plain/m{i:D3}/Domain.cs", ns, Usings, module.Domain()),
                new SourceFile($"/plain/m{i:D3}/Repository.cs", ns, Usings, module.Repository()),
                new SourceFile($"/plain/m{i:D3}/Service.cs", ns, Usings, module.Service()),
                new SourceFile($"/plain/m{i:D3}/Importer.cs", ns, Usings, module.Importer()),
                new SourceFile($"/plain/m{i:D3}/Reports.cs", ns, Usings, module.Reports()),
            };
            foreach (var file in moduleFiles)
                lines += SourceFile.Lines(file.Text);
            files.AddRange(moduleFiles);
        }

        return files;
    }

    private sealed class Module
    {
        private readonly int i;
        private readonly string entity;
        private readonly string item;

        public Module(int i)
        {
            this.i = i;
            entity = Entities[i % Entities.Length];
            item = Items[i / Entities.Length % Items.Length];
        }

        public string Domain() => $$"""
            public enum {{item}}Status
            {
                Draft,
                Submitted,
                Approved,
                Rejected,
                Archived,
            }

            /// <summary>A {{entity.ToLowerInvariant()}} with contact data and a credit limit.</summary>
            public sealed class {{entity}}
            {
                public {{entity}}(int id, string name, string email, string city, decimal limit)
                {
                    if (string.IsNullOrWhiteSpace(name))
                        throw new ArgumentException("a name is required", nameof(name));
                    Id = id;
                    Name = name.Trim();
                    Email = email.Trim().ToLowerInvariant();
                    City = city;
                    Limit = limit;
                }

                public int Id { get; }

                public string Name { get; }

                public string Email { get; }

                public string City { get; }

                public decimal Limit { get; private set; }

                public DateTime Created { get; init; } = new DateTime(2024, 1, 1).AddDays({{i % 300}});

                public List<string> Tags { get; } = new();

                public void RaiseLimit(decimal amount)
                {
                    if (amount <= 0)
                        throw new ArgumentOutOfRangeException(nameof(amount), amount, "must be positive");
                    Limit = Math.Min(Limit + amount, {{10_000 + 500 * (i % 20)}}m);
                }

                public override string ToString() => $"{Name} <{Email}> ({City})";
            }

            /// <summary>One line of a {{item.ToLowerInvariant()}}.</summary>
            public readonly record struct {{item}}Line(string Product, int Quantity, decimal UnitPrice)
            {
                public decimal Total => Quantity * UnitPrice;
            }

            /// <summary>A {{item.ToLowerInvariant()}} placed by a {{entity.ToLowerInvariant()}}.</summary>
            public sealed class {{item}}
            {
                private readonly List<{{item}}Line> lines = new();

                public {{item}}(int id, int ownerId, DateTime placed)
                {
                    Id = id;
                    OwnerId = ownerId;
                    Placed = placed;
                }

                public int Id { get; }

                public int OwnerId { get; }

                public DateTime Placed { get; }

                public {{item}}Status Status { get; private set; } = {{item}}Status.Draft;

                public IReadOnlyList<{{item}}Line> Lines => lines;

                public decimal Total => lines.Sum(l => l.Total) * (1m - Discount);

                public decimal Discount => lines.Count switch
                {
                    0 => 0m,
                    < {{3 + i % 4}} => 0m,
                    < {{10 + i % 5}} => 0.05m,
                    _ => 0.{{10 + i % 10}}m,
                };

                public void Add(string product, int quantity, decimal unitPrice)
                {
                    if (Status != {{item}}Status.Draft)
                        throw new InvalidOperationException($"{{item}} {Id} is {Status}, not a draft");
                    var existing = lines.FindIndex(l => l.Product == product);
                    if (existing >= 0)
                        lines[existing] = lines[existing] with { Quantity = lines[existing].Quantity + quantity };
                    else
                        lines.Add(new {{item}}Line(product, quantity, unitPrice));
                }

                public void Advance()
                {
                    Status = Status switch
                    {
                        {{item}}Status.Draft when lines.Count > 0 => {{item}}Status.Submitted,
                        {{item}}Status.Submitted => Total > {{1000 + i}}m ? {{item}}Status.Rejected : {{item}}Status.Approved,
                        {{item}}Status.Approved or {{item}}Status.Rejected => {{item}}Status.Archived,
                        _ => Status,
                    };
                }
            }

            """;

        public string Repository() => $$"""
            /// <summary>Keeps {{entity.ToLowerInvariant()}}s and {{item.ToLowerInvariant()}}s in memory and answers the queries the service needs.</summary>
            public sealed class {{entity}}Repository
            {
                private readonly Dictionary<int, {{entity}}> owners = new();
                private readonly List<{{item}}> records = new();
                private readonly object gate = new();

                public int Count
                {
                    get
                    {
                        lock (gate)
                            return owners.Count;
                    }
                }

                public void Add({{entity}} owner)
                {
                    lock (gate)
                    {
                        if (!owners.TryAdd(owner.Id, owner))
                            throw new InvalidOperationException($"duplicate id {owner.Id}");
                    }
                }

                public void Add({{item}} record)
                {
                    lock (gate)
                        records.Add(record);
                }

                public {{entity}}? Find(int id)
                {
                    lock (gate)
                        return owners.TryGetValue(id, out var owner) ? owner : null;
                }

                public IReadOnlyList<{{entity}}> InCity(string city) =>
                    owners.Values.Where(o => string.Equals(o.City, city, StringComparison.OrdinalIgnoreCase)).OrderBy(o => o.Name).ToList();

                public IEnumerable<(string City, int Count, decimal Revenue)> RevenueByCity() =>
                    from owner in owners.Values
                    join record in records on owner.Id equals record.OwnerId
                    group record by owner.City into byCity
                    orderby byCity.Key
                    select (byCity.Key, byCity.Count(), byCity.Sum(r => r.Total));

                public IReadOnlyDictionary<{{item}}Status, int> CountByStatus() =>
                    records.GroupBy(r => r.Status).ToDictionary(g => g.Key, g => g.Count());

                public IEnumerable<{{item}}> Recent(DateTime since, int take) =>
                    records.Where(r => r.Placed >= since).OrderByDescending(r => r.Placed).ThenBy(r => r.Id).Take(take);

                public decimal AverageTotal(Func<{{item}}, bool> filter)
                {
                    var selected = records.Where(filter).Select(r => r.Total).ToList();
                    return selected.Count == 0 ? 0m : selected.Sum() / selected.Count;
                }

                public List<{{entity}}> TopSpenders(int count) =>
                    records.GroupBy(r => r.OwnerId)
                        .Select(g => (Owner: Find(g.Key), Total: g.Sum(r => r.Total)))
                        .Where(t => t.Owner is not null)
                        .OrderByDescending(t => t.Total)
                        .Take(count)
                        .Select(t => t.Owner!)
                        .ToList();

                public async Task<IReadOnlyList<{{item}}>> LoadPageAsync(int page, int size, CancellationToken cancellationToken)
                {
                    await Task.Delay(TimeSpan.FromMilliseconds({{1 + i % 5}}), cancellationToken).ConfigureAwait(false);
                    lock (gate)
                        return records.Skip(page * size).Take(size).ToList();
                }
            }

            """;

        public string Service() => $$"""
            /// <summary>Business rules over the repository: placing, approving and archiving {{item.ToLowerInvariant()}}s.</summary>
            public sealed class {{item}}Service
            {
                private readonly {{entity}}Repository repository;
                private readonly Queue<{{item}}> pending = new();
                private readonly HashSet<string> blockedProducts = new(StringComparer.OrdinalIgnoreCase) { "sample-{{i}}", "discontinued" };
                private int nextId = {{1000 * (i + 1)}};

                public {{item}}Service({{entity}}Repository repository) => this.repository = repository;

                public event EventHandler<{{item}}>? Approved;

                public {{item}} Place(int ownerId, IEnumerable<(string Product, int Quantity, decimal Price)> lines, DateTime when)
                {
                    var owner = repository.Find(ownerId) ?? throw new KeyNotFoundException($"no {{entity.ToLowerInvariant()}} {ownerId}");
                    var record = new {{item}}(Interlocked.Increment(ref nextId), owner.Id, when);
                    foreach (var (product, quantity, price) in lines)
                    {
                        if (blockedProducts.Contains(product))
                            continue;
                        if (quantity <= 0 || price < 0)
                            throw new ArgumentException($"invalid line {product} x{quantity} at {price}");
                        record.Add(product, quantity, price);
                    }

                    if (record.Total > owner.Limit)
                        throw new InvalidOperationException($"{owner.Name}: {record.Total:C} exceeds the limit {owner.Limit:C}");
                    repository.Add(record);
                    pending.Enqueue(record);
                    return record;
                }

                public int ProcessPending(int maximum)
                {
                    var processed = 0;
                    while (processed < maximum && pending.TryDequeue(out var record))
                    {
                        record.Advance();
                        record.Advance();
                        if (record.Status == {{item}}Status.Approved)
                            Approved?.Invoke(this, record);
                        processed++;
                    }

                    return processed;
                }

                public async Task<int> ArchiveAsync(DateTime before, CancellationToken cancellationToken)
                {
                    var archived = 0;
                    for (var page = 0; ; page++)
                    {
                        var batch = await repository.LoadPageAsync(page, {{50 + i % 50}}, cancellationToken).ConfigureAwait(false);
                        if (batch.Count == 0)
                            break;
                        foreach (var record in batch.Where(r => r.Placed < before))
                        {
                            cancellationToken.ThrowIfCancellationRequested();
                            record.Advance();
                            archived++;
                        }
                    }

                    return archived;
                }

                public async Task<Dictionary<int, decimal>> TotalsAsync(IEnumerable<int> ownerIds, CancellationToken cancellationToken)
                {
                    var tasks = ownerIds.Distinct().Select(async id =>
                    {
                        var page = await repository.LoadPageAsync(0, 100, cancellationToken).ConfigureAwait(false);
                        return (id, page.Where(r => r.OwnerId == id).Sum(r => r.Total));
                    });
                    var results = await Task.WhenAll(tasks).ConfigureAwait(false);
                    return results.ToDictionary(r => r.id, r => r.Item2);
                }

                public static int RetryDelayMilliseconds(int attempt) => attempt switch
                {
                    <= 0 => 0,
                    1 => {{100 + i % 100}},
                    _ => Math.Min({{100 + i % 100}} << Math.Min(attempt, 10), 30_000),
                };
            }

            """;

        public string Importer() => $$"""
            /// <summary>Reads {{entity.ToLowerInvariant()}}s from CSV text: quoted fields, invariant numbers, per-line errors.</summary>
            public static class {{entity}}Importer
            {
                public sealed record ImportResult(IReadOnlyList<{{entity}}> Imported, IReadOnlyList<string> Errors);

                public static ImportResult Parse(string csv, char separator = '{{(i % 2 == 0 ? "," : ";")}}')
                {
                    var imported = new List<{{entity}}>();
                    var errors = new List<string>();
                    var lineNumber = 0;
                    foreach (var rawLine in csv.Split('\n'))
                    {
                        lineNumber++;
                        var line = rawLine.TrimEnd('\r');
                        if (lineNumber == 1 || line.Length == 0 || line.StartsWith('#'))
                            continue;
                        var fields = SplitFields(line, separator);
                        if (fields.Count < 5)
                        {
                            errors.Add($"line {lineNumber}: expected 5 fields, found {fields.Count}");
                            continue;
                        }

                        if (!int.TryParse(fields[0], NumberStyles.Integer, CultureInfo.InvariantCulture, out var id))
                        {
                            errors.Add($"line {lineNumber}: bad id '{fields[0]}'");
                            continue;
                        }

                        if (!decimal.TryParse(fields[4], NumberStyles.Number, CultureInfo.InvariantCulture, out var limit))
                            limit = {{500 + i}}m;
                        try
                        {
                            var owner = new {{entity}}(id, fields[1], fields[2], Capitalize(fields[3]), limit);
                            foreach (var tag in fields.Skip(5).Where(t => t.Length > 0))
                                owner.Tags.Add(tag.ToLowerInvariant());
                            imported.Add(owner);
                        }
                        catch (ArgumentException exception)
                        {
                            errors.Add($"line {lineNumber}: {exception.Message}");
                        }
                    }

                    return new ImportResult(imported, errors);
                }

                public static List<string> SplitFields(string line, char separator)
                {
                    var fields = new List<string>();
                    var current = new StringBuilder();
                    var quoted = false;
                    for (var k = 0; k < line.Length; k++)
                    {
                        var c = line[k];
                        if (c == '"')
                        {
                            if (quoted && k + 1 < line.Length && line[k + 1] == '"')
                            {
                                current.Append('"');
                                k++;
                            }
                            else
                            {
                                quoted = !quoted;
                            }
                        }
                        else if (c == separator && !quoted)
                        {
                            fields.Add(current.ToString().Trim());
                            current.Clear();
                        }
                        else
                        {
                            current.Append(c);
                        }
                    }

                    fields.Add(current.ToString().Trim());
                    return fields;
                }

                public static string Capitalize(string text) =>
                    string.Join(' ', text.Split(' ', StringSplitOptions.RemoveEmptyEntries)
                        .Select(w => char.ToUpperInvariant(w[0]) + w.Substring(1).ToLowerInvariant()));

                public static int EditDistance(string a, string b)
                {
                    var previous = new int[b.Length + 1];
                    var current = new int[b.Length + 1];
                    for (var k = 0; k <= b.Length; k++)
                        previous[k] = k;
                    for (var x = 1; x <= a.Length; x++)
                    {
                        current[0] = x;
                        for (var y = 1; y <= b.Length; y++)
                        {
                            var cost = a[x - 1] == b[y - 1] ? 0 : 1;
                            current[y] = Math.Min(Math.Min(current[y - 1] + 1, previous[y] + 1), previous[y - 1] + cost);
                        }

                        (previous, current) = (current, previous);
                    }

                    return previous[b.Length];
                }
            }

            """;

        public string Reports() => $$"""
            /// <summary>Text and CSV reports over the repository.</summary>
            public sealed class {{item}}Report
            {
                private readonly {{entity}}Repository repository;
                private readonly CultureInfo culture = CultureInfo.GetCultureInfo("{{(i % 3 == 0 ? "en-US" : i % 3 == 1 ? "de-DE" : "fr-FR")}}");

                public {{item}}Report({{entity}}Repository repository) => this.repository = repository;

                public string Summary(DateTime since)
                {
                    var text = new StringBuilder();
                    text.AppendLine($"{{item}} report since {since.ToString("d", culture)}");
                    text.AppendLine(new string('=', {{30 + i % 20}}));
                    foreach (var (city, count, revenue) in repository.RevenueByCity())
                        text.AppendLine(string.Format(culture, "{0,-20} {1,6} {2,14:N2}", city, count, revenue));
                    var statuses = repository.CountByStatus();
                    foreach (var status in Enum.GetValues<{{item}}Status>())
                        text.AppendLine($"{status,-12}{(statuses.TryGetValue(status, out var n) ? n : 0),6}");
                    var recent = repository.Recent(since, {{5 + i % 10}}).ToList();
                    if (recent.Count > 0)
                    {
                        text.AppendLine("latest:");
                        foreach (var record in recent)
                            text.Append("  #").Append(record.Id).Append(' ').Append(record.Placed.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)).Append(' ').AppendLine(record.Total.ToString("N2", culture));
                    }

                    return text.ToString();
                }

                public IEnumerable<string> Csv(IEnumerable<{{item}}> records)
                {
                    yield return "id;owner;placed;status;lines;total";
                    foreach (var record in records)
                    {
                        var fields = new[]
                        {
                            record.Id.ToString(CultureInfo.InvariantCulture),
                            Escape(repository.Find(record.OwnerId)?.Name ?? "?"),
                            record.Placed.ToString("O", CultureInfo.InvariantCulture),
                            record.Status.ToString(),
                            record.Lines.Count.ToString(CultureInfo.InvariantCulture),
                            record.Total.ToString(CultureInfo.InvariantCulture),
                        };
                        yield return string.Join(';', fields);
                    }
                }

                public static string Escape(string value) =>
                    value.IndexOfAny(new[] { ';', '"', '\n' }) >= 0 ? "\"" + value.Replace("\"", "\"\"") + "\"" : value;

                public static Dictionary<string, int> WordFrequencies(IEnumerable<string> texts, int minimumLength = {{3 + i % 3}})
                {
                    var counts = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);
                    foreach (var text in texts)
                    {
                        foreach (var word in text.Split(new[] { ' ', ',', '.', ';', ':', '!', '?' }, StringSplitOptions.RemoveEmptyEntries))
                        {
                            if (word.Length < minimumLength || !word.All(char.IsLetter))
                                continue;
                            counts[word] = counts.TryGetValue(word, out var c) ? c + 1 : 1;
                        }
                    }

                    return counts.OrderByDescending(p => p.Value).ThenBy(p => p.Key, StringComparer.Ordinal).Take({{20 + i % 30}}).ToDictionary(p => p.Key, p => p.Value);
                }
            }

            """;
    }
}
