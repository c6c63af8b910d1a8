package io.tajo.connectors.mapping;

/** A mapping file cannot be used; the message is its first problem, with file and line. */
public class MappingFileException extends RuntimeException {
    private final MappingProblem problem;

    public MappingFileException(MappingProblem problem) {
        super(problem.toString());
        this.problem = problem;
    }

    public MappingProblem problem() {
        return problem;
    }
}
