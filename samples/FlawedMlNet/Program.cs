using System;
using FlawedMlNet;
using Microsoft.ML;

// A price model trained with ML.NET, with two classic data mistakes. `dotnet build` reports both;
// the run prints what the model seems to achieve and what it really achieves on held-out houses.
var ml = new MLContext(seed: 1);
var data = ml.Data.LoadFromEnumerable(SyntheticHouses.Generate(count: 2000, seed: 7));
var split = ml.Data.TrainTestSplit(data, testFraction: 0.2, seed: 1);

var features = new[] { nameof(House.Size), nameof(House.Rooms), nameof(House.Age), nameof(House.DistanceKm) };
var pipeline = ml.Transforms.Concatenate("Features", features)
    // NT6001: SDCA is fed square metres (40-250), rooms (1-8), years (0-100) and kilometres unscaled.
    .Append(ml.Regression.Trainers.Sdca(labelColumnName: nameof(House.Price), maximumNumberOfIterations: 20));
var model = pipeline.Fit(split.TrainSet);

// NT6002: the model is scored on the rows it was fitted on, so these metrics cannot show over-fitting.
var reported = ml.Regression.Evaluate(model.Transform(split.TrainSet), labelColumnName: nameof(House.Price));
Console.WriteLine($"reported (training rows):  R² = {reported.RSquared,7:F3}   RMSE = {reported.RootMeanSquaredError,8:F1}");

// What both fixes give: normalised features, metrics on the 20 % held out.
var fixedPipeline = ml.Transforms.Concatenate("Features", features)
    .Append(ml.Transforms.NormalizeMinMax("Features"))
    .Append(ml.Regression.Trainers.Sdca(labelColumnName: nameof(House.Price), maximumNumberOfIterations: 20));
var fixedModel = fixedPipeline.Fit(split.TrainSet);
var heldOut = ml.Regression.Evaluate(fixedModel.Transform(split.TestSet), labelColumnName: nameof(House.Price));
Console.WriteLine($"fixed (held-out rows):     R² = {heldOut.RSquared,7:F3}   RMSE = {heldOut.RootMeanSquaredError,8:F1}");
