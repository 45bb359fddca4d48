using System;
using NetTricks;
using TorchSharp;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace FixedTraining;

public readonly record struct ExperimentResult(string Name, string Metric, double Value);

/// <summary>
/// The experiments of samples/FlawedTraining with every NetTricks finding fixed. Each one seeds torch first,
/// so data and initial weights are the same as in the flawed program.
/// </summary>
public static class Experiments
{
    private const int Seed = 2;
    private const int BatchSize = 64;

    /// <summary>Regression of standardised house prices with a wide MLP.</summary>
    public static ExperimentResult PriceRegression()
    {
        torch.manual_seed(Seed);
        var (x, prices) = SyntheticData.HousePrices(2000);
        var (trainX, trainPrices, valX, valPrices) = SyntheticData.Split(x, prices, 1500);
        // Standardise the targets with the training statistics: about half of them are now negative.
        var yTrain = (trainPrices - trainPrices.mean()) / trainPrices.std();
        var yVal = (valPrices - trainPrices.mean()) / trainPrices.std();

        var model = new PriceRegressor();
        var optimizer = torch.optim.Adam(model.parameters(), lr: 1e-3, weight_decay: 1e-4);   // NT5001 fixed: weight decay
        var criterion = MSELoss();

        long n = trainX.shape[0];
        for (int epoch = 0; epoch < 30; epoch++)
        {
            model.train();
            using var permutation = torch.randperm(n);
            for (long start = 0; start < n; start += BatchSize)
            {
                using var scope = torch.NewDisposeScope();
                var batch = permutation.narrow(0, start, Math.Min(BatchSize, n - start));
                var xb = trainX.index_select(0, batch);
                var yb = yTrain.index_select(0, batch);

                optimizer.zero_grad();
                var output = model.forward(xb);
                var loss = criterion.forward(output, yb);   // NT1001 fixed: the model no longer ends in ReLU
                loss.backward();
                optimizer.step();
            }
        }

        return new ExperimentResult("price-regression", "rmse", Evaluation.Rmse(model, valX, yVal));
    }

    /// <summary>20-way classification of Gaussian clusters, trained with cross-entropy on class indices.</summary>
    public static ExperimentResult ClusterClassification()
    {
        const int numClasses = 20;
        torch.manual_seed(Seed);
        var (x, labels) = SyntheticData.Clusters(3000, 20, numClasses, spread: 0.7f);
        var (trainX, trainLabels, valX, valLabels) = SyntheticData.Split(x, labels, 2000);

        var model = Sequential(
            ("fc1", Linear(20, 64)),
            ("relu", ReLU()),
            ("fc2", Linear(64, numClasses)));   // NT1002 fixed: logits, no softmax
        var optimizer = torch.optim.SGD(model.parameters(), 0.05, momentum: 0.9);
        var scheduler = torch.optim.lr_scheduler.StepLR(optimizer, 5, 0.5);
        var criterion = CrossEntropyLoss();

        long n = trainX.shape[0];
        for (int epoch = 0; epoch < 10; epoch++)
        {
            model.train();
            using var permutation = torch.randperm(n);
            for (long start = 0; start < n; start += BatchSize)
            {
                using var scope = torch.NewDisposeScope();
                var batch = permutation.narrow(0, start, Math.Min(BatchSize, n - start));
                var xb = trainX.index_select(0, batch);
                var yb = trainLabels.index_select(0, batch);

                optimizer.zero_grad();
                var logits = model.forward(xb);
                var loss = criterion.forward(logits, yb);   // NT1002 fixed: cross-entropy on logits with class-index targets
                loss.backward();
                optimizer.step();
            }
            scheduler.step();
        }

        return new ExperimentResult("cluster-classification", "accuracy", Evaluation.Accuracy(model, valX, valLabels));
    }

    /// <summary>10-way classification of labels drawn by a random teacher network.</summary>
    public static ExperimentResult TeacherClassification()
    {
        torch.manual_seed(Seed);
        var (x, labels) = SyntheticData.TeacherLabels(3000, 20, 10);
        var (trainX, trainLabels, valX, valLabels) = SyntheticData.Split(x, labels, 2000);

        var model = new TeacherClassifier(20, 64, 10);
        var optimizer = torch.optim.Adam(model.parameters(), lr: 1e-3);
        var criterion = CrossEntropyLoss();

        long n = trainX.shape[0];
        for (int epoch = 0; epoch < 20; epoch++)
        {
            model.train();
            using var permutation = torch.randperm(n);
            for (long start = 0; start < n; start += BatchSize)
            {
                using var scope = torch.NewDisposeScope();
                var batch = permutation.narrow(0, start, Math.Min(BatchSize, n - start));
                var xb = trainX.index_select(0, batch);
                var yb = trainLabels.index_select(0, batch);

                optimizer.zero_grad();
                var output = model.forward(xb);
                var loss = criterion.forward(output, yb);   // NT1003 fixed: the model returns logits
                loss.backward();
                optimizer.step();
            }
        }

        return new ExperimentResult("teacher-classification", "accuracy", Evaluation.Accuracy(model, valX, valLabels));
    }

    /// <summary>8-arm spiral classification with a negative log-likelihood loss.</summary>
    public static ExperimentResult SpiralClassification()
    {
        torch.manual_seed(Seed);
        var (x, labels) = SyntheticData.Spirals(3000, 8);
        var (trainX, trainLabels, valX, valLabels) = SyntheticData.Split(x, labels, 2000);

        var model = new SpiralClassifier(8);
        var optimizer = torch.optim.Adam(model.parameters(), lr: 3e-3);
        var criterion = NLLLoss();

        long n = trainX.shape[0];
        for (int epoch = 0; epoch < 20; epoch++)
        {
            model.train();
            using var permutation = torch.randperm(n);
            for (long start = 0; start < n; start += BatchSize)
            {
                using var scope = torch.NewDisposeScope();
                var batch = permutation.narrow(0, start, Math.Min(BatchSize, n - start));
                var xb = trainX.index_select(0, batch);
                var yb = trainLabels.index_select(0, batch);

                optimizer.zero_grad();
                var output = model.forward(xb);
                var loss = criterion.call(output, yb);   // NT1004 fixed: the model ends in LogSoftmax
                loss.backward();
                optimizer.step();
            }
        }

        return new ExperimentResult("spiral-classification", "accuracy", Evaluation.Accuracy(model, valX, valLabels));
    }

    /// <summary>20-way cluster classification with a plain MLP, trained on shuffled mini-batches.</summary>
    public static ExperimentResult TabularClassification()
    {
        torch.manual_seed(Seed + 1);
        var (x, labels) = SyntheticData.Clusters(3000, 20, 20, spread: 0.7f);
        var (trainX, trainLabels, valX, valLabels) = SyntheticData.Split(x, labels, 2000);

        var model = new TabularClassifier(20, 64, 20);
        var optimizer = torch.optim.Adam(model.parameters(), lr: 1e-3);
        var criterion = CrossEntropyLoss();

        for (int epoch = 0; epoch < 10; epoch++)
        {
            model.train();
            foreach (var (xb, yb) in MiniBatch.Shuffled(trainX, trainLabels, 64))   // NT3001 fixed: shuffled mini-batches
            {
                using var scope = torch.NewDisposeScope();
                optimizer.zero_grad();
                var output = model.forward(xb);
                var loss = criterion.forward(output, yb);
                loss.backward();
                optimizer.step();
            }
        }

        return new ExperimentResult("tabular-classification", "accuracy", Evaluation.Accuracy(model, valX, valLabels));
    }

    /// <summary>Regression of standardised energy demand with a small MLP.</summary>
    public static ExperimentResult DemandRegression()
    {
        torch.manual_seed(Seed);
        var (x, demand) = SyntheticData.EnergyDemand(2000);
        var (trainX, trainDemand, valX, valDemand) = SyntheticData.Split(x, demand, 1500);
        var yTrain = (trainDemand - trainDemand.mean()) / trainDemand.std();
        var yVal = (valDemand - trainDemand.mean()) / trainDemand.std();

        var model = Sequential(
            ("fc1", Linear(6, 64)),
            ("relu1", ReLU()),
            ("fc2", Linear(64, 64)),
            ("relu2", ReLU()),
            ("out", Linear(64, 1)));
        var optimizer = torch.optim.Adam(model.parameters(), lr: 1e-3);
        var criterion = MSELoss();

        long n = trainX.shape[0];
        for (int epoch = 0; epoch < 30; epoch++)
        {
            model.train();
            using var permutation = torch.randperm(n);
            for (long start = 0; start < n; start += BatchSize)
            {
                using var scope = torch.NewDisposeScope();
                var batch = permutation.narrow(0, start, Math.Min(BatchSize, n - start));
                var xb = trainX.index_select(0, batch);
                var yb = yTrain.index_select(0, batch);

                optimizer.zero_grad();   // NT3002 fixed: fresh gradients every step
                var output = model.forward(xb);
                var loss = criterion.forward(output, yb);
                loss.backward();
                CheckedClipping.ClipGradNorm(model.parameters(), 1.0);   // NT4001 fixed: clips the same way, reports every clipped step
                optimizer.step();
            }
        }

        return new ExperimentResult("demand-regression", "rmse", Evaluation.Rmse(model, valX, yVal));
    }

    /// <summary>The adding problem: an LSTM reads 20 (value, marker) steps and outputs the sum of the two marked values.</summary>
    public static ExperimentResult SequenceRegression()
    {
        torch.manual_seed(Seed);
        var (x, sums) = SyntheticData.AddingProblem(3000, 20);
        var (trainX, trainY, valX, valY) = SyntheticData.Split(x, sums, 2000);

        var model = new SequenceRegressor(2, 32);
        var optimizer = torch.optim.Adam(model.parameters(), lr: 1e-2);
        var criterion = MSELoss();

        long n = trainX.shape[0];
        for (int epoch = 0; epoch < 15; epoch++)
        {
            model.train();
            using var permutation = torch.randperm(n);
            for (long start = 0; start < n; start += BatchSize)
            {
                using var scope = torch.NewDisposeScope();
                var batch = permutation.narrow(0, start, Math.Min(BatchSize, n - start));
                var xb = trainX.index_select(0, batch);
                var yb = trainY.index_select(0, batch);

                optimizer.zero_grad();
                var output = model.forward(xb);
                var loss = criterion.forward(output, yb);
                loss.backward();
                torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0);   // NT4002 fixed: clip the recurrent model's gradients
                optimizer.step();
            }
        }

        return new ExperimentResult("sequence-regression", "rmse", Evaluation.Rmse(model, valX, valY));
    }
}
