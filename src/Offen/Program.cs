return await Offen.Cli.Commands.RunAsync(args);
