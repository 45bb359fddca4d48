using System;
using System.Collections.Generic;

namespace FlawedMlNet;

/// <summary>One house: features on very different scales (square metres, rooms, years, kilometres) and a price.</summary>
public sealed class House
{
    public float Size { get; set; }

    public float Rooms { get; set; }

    public float Age { get; set; }

    public float DistanceKm { get; set; }

    /// <summary>Price in thousands.</summary>
    public float Price { get; set; }
}

/// <summary>Synthetic houses whose price is a noisy linear function of the features (a linear model can fit it well).</summary>
public static class SyntheticHouses
{
    public static List<House> Generate(int count, int seed)
    {
        var random = new Random(seed);
        var houses = new List<House>(count);
        for (var i = 0; i < count; i++)
        {
            var size = 40f + 210f * random.NextSingle();
            var rooms = MathF.Max(1f, MathF.Round(size / 30f + 2f * (random.NextSingle() - 0.5f)));
            var age = 100f * random.NextSingle();
            var distance = 0.5f + 29.5f * random.NextSingle();
            var noise = 40f * (random.NextSingle() - 0.5f);
            var price = 50f + 2.5f * size + 10f * rooms - 0.8f * age - 4f * distance + noise;
            houses.Add(new House { Size = size, Rooms = rooms, Age = age, DistanceKm = distance, Price = price });
        }

        return houses;
    }
}
