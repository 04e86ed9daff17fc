using Aspire.Hosting.ApplicationModel;

namespace NexusTrade.AppHost.Infrastructure;

/// <summary>
/// Where the stack relies on how Aspire builds a resource rather than on a public contract, one method each, so that
/// an Aspire upgrade that changes the behaviour fails loudly (AspireInternalsTests, and the run itself) instead of
/// silently dropping a setting. The other such places: <see cref="ProjectLaunch"/> (an experimental launch API,
/// behind its pragma, falling back to Aspire's default launch) and the publisher's DotNetProject.Environment, which
/// drops the variables Aspire injects for references by its naming convention (ReferenceEnvironmentTests).
/// </summary>
public static class AspireInternals
{
    /// <summary>
    /// Redis's server flags on the command line Aspire builds for its Redis container (<c>/bin/sh</c> as entrypoint,
    /// the password in <c>$REDIS_PASSWORD</c>, never on the command line). Aspire 13.6 lists redis-server's arguments one
    /// by one when it runs the app (certificate arguments may follow) and joins them into <c>-c "redis-server ..."</c>
    /// only for a publish: the flags join either form. Until 2026-12 this code looked for the <c>-c</c> form alone and
    /// so, in run mode, dropped the flags without a word (AspireInternalsTests found it).
    /// </summary>
    public static IResourceBuilder<T> WithRedisServerFlags<T>(this IResourceBuilder<T> redis, string flags) where T : ContainerResource =>
        redis.WithArgs(context =>
        {
            var shellCommand = context.Args.IndexOf("-c") + 1;
            if (shellCommand > 0 && shellCommand < context.Args.Count && context.Args[shellCommand] is string command)
            {
                context.Args[shellCommand] = $"{command} {flags}";
            }
            else if (context.Args is [string and "redis-server", ..])
            {
                foreach (var flag in flags.Split(' ')) context.Args.Add(flag);
            }
            else
            {
                throw new InvalidOperationException(
                    $"{nameof(AspireInternals)}.{nameof(WithRedisServerFlags)}: Aspire's Redis container arguments are neither " +
                    $"`redis-server ...` nor `-c \"redis-server ...\"` ({string.Join(' ', context.Args)}); the Redis settings ({flags}) need another way in.");
            }
        });
}
