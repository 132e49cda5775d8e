package io.itdr.connector.gitlab.act;

import io.itdr.connector.gitlab.GitLabLibrary;
import java.util.Objects;

/** The calls the actions make, through gitlab4j ({@link GitLabLibrary}). Thread-safe. */
final class GitLabCalls {
    private final GitLabLibrary library;

    GitLabCalls(GitLabLibrary library) {
        this.library = Objects.requireNonNull(library, "library");
    }

    <T> T call(String what, GitLabLibrary.Call<T> call) {
        return library.call(what, call);
    }
}
