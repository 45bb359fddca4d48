using System;
using TorchSharp;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace FlawedTraining;

public readonly record struct ExperimentResult(string Name, string Metric, double Value);

/// <summary>
/// Seven small training experiments on synthetic data. Each one seeds torch first, so data, initial
/// weights and batch order are the same on every run (and the same as in samples/FixedTraining).
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
        var optimizer = torch.optim.Adam(model.parameters(), lr: 1e-3);   // NT5001: 136k parameters, no weight decay, no dropout
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
                var loss = criterion.forward(output, yb);   // NT1001: the model ends in ReLU, the targets go below zero
                loss.backward();
                optimizer.step();
            }
        }

        return new ExperimentResult("price-regression", "rmse", Evaluation.Rmse(model, valX, yVal));
    }

    /// <summary>20-way classification of Gaussian clusters, trained against one-hot vectors.</summary>
    public static ExperimentResult ClusterClassification()
    {
        const int numClasses = 20;
        torch.manual_seed(Seed);
        var (x, labels) = SyntheticData.Clusters(3000, 20, numClasses, spread: 0.7f);
        var (trainX, trainLabels, valX, valLabels) = SyntheticData.Split(x, labels, 2000);
        var oneHot = torch.nn.functional.one_hot(trainLabels, numClasses).to_type(ScalarType.Float32);

        var model = Sequential(
            ("fc1", Linear(20, 64)),
            ("relu", ReLU()),
            ("fc2", Linear(64, numClasses)),
            ("softmax", Softmax(1)));   // NT1002: class probabilities, fitted to one-hot vectors with MSE below
        var optimizer = torch.optim.SGD(model.parameters(), 0.05, momentum: 0.9);
        var scheduler = torch.optim.lr_scheduler.StepLR(optimizer, 5, 0.5);
        var criterion = MSELoss();

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
                var yb = oneHot.index_select(0, batch);

                optimizer.zero_grad();
                var probabilities = model.forward(xb);
                var loss = criterion.forward(probabilities, yb);   // NT1002: MSE between softmax and one-hot targets
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
                var loss = criterion.forward(output, yb);   // NT1003: softmax output fed to CrossEntropyLoss (softmax twice)
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
                var loss = criterion.call(output, yb);   // NT1004: NLLLoss on probabilities (the model ends in Softmax)
                loss.backward();
                optimizer.step();
            }
        }

        return new ExperimentResult("spiral-classification", "accuracy", Evaluation.Accuracy(model, valX, valLabels));
    }

    /// <summary>20-way cluster classification with a plain MLP, trained on the whole training set at once.</summary>
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
            using var scope = torch.NewDisposeScope();
            model.train();
            optimizer.zero_grad();
            var output = model.forward(trainX);   // NT3001: full-batch gradient descent, one step per epoch
            var loss = criterion.forward(output, trainLabels);
            loss.backward();
            optimizer.step();
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

                var output = model.forward(xb);
                var loss = criterion.forward(output, yb);
                loss.backward();   // NT3002: no zero_grad(), so every step adds to the gradients of all earlier steps
                torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0);   // NT4001: clipping silently caps the ever-growing gradients (most steps get clipped)
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
                loss.backward();   // NT4002: a recurrent model trained without gradient clipping
                optimizer.step();
            }
        }

        return new ExperimentResult("sequence-regression", "rmse", Evaluation.Rmse(model, valX, valY));
    }
}
